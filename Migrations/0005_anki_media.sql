-- recall store, schema 5: Anki packages and media (issue 12).
--
-- The Anki note behind cards imported from an Anki package, as the package had it, so that
-- `recall export --anki` writes the same note back (its note type, fields and GUID) and a
-- re-import of a newer version of the package matches its notes by GUID, as Anki does.
CREATE TABLE anki_notes (
    guid      TEXT PRIMARY KEY,          -- Anki's note GUID
    -- The note type as compact JSON: {"name", "kind": "standard"|"cloze", "fields": [...],
    -- "templates": [{"name", "qfmt", "afmt"}], "css"}.
    note_type TEXT NOT NULL,
    fields    TEXT NOT NULL,             -- the fields as Anki had them (HTML), joined by U+001F
    tags      TEXT NOT NULL DEFAULT '',  -- space-separated, as Anki spells them (`science::elements`)
    modified  INTEGER NOT NULL           -- the note's modification time in the package, ms
) WITHOUT ROWID;

-- Which Anki card each recall note is. An Anki note of any note type makes one recall note per
-- card (that card's rendered front and back), so an export puts the siblings back together.
CREATE TABLE anki_cards (
    note_id INTEGER PRIMARY KEY REFERENCES notes(id) ON DELETE CASCADE,
    guid    TEXT NOT NULL,               -- anki_notes.guid
    ordinal INTEGER NOT NULL,            -- Anki's card `ord` (template index, cloze number - 1)
    flag    INTEGER NOT NULL DEFAULT 0,  -- Anki's flag colour as imported (1-7; recall keeps one flag: cards.flag 1)
    UNIQUE (guid, ordinal)
);

-- Media files that card text refers to by name (`![](name.png)`, `[sound:name.mp3]`). Each
-- file is stored once, by content, in the media folder beside the store (`<store>.media/<sha256>`);
-- names are made safe on the way in (no `..`, no absolute paths, no control characters).
CREATE TABLE media (
    name   TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,                -- lowercase hex: the file's name in the media folder
    size   INTEGER NOT NULL,
    added  INTEGER NOT NULL              -- ms
) WITHOUT ROWID;
CREATE INDEX media_by_hash ON media(sha256);

-- A card's scheduling state at a moment, that replay starts from instead of a new card: reviews
-- at or before `at` are history (kept, counted, shown), reviews after it are replayed on top of
-- this state (DESIGN.md invariant 1, with a known start). An Anki package brings cards whose
-- state is not the replay of their revlog (a due date set by hand, a card forgotten back to new,
-- FSRS memory states fitted with other parameters, a history Anki already trimmed): the import
-- records Anki's state here, honestly, instead of inventing answers. `recall check` and every
-- replay (answers, sync, option changes) start from it. Deck files carry it as the card's
-- `checkpoint` (docs/json.md), so another store replays the same way.
CREATE TABLE card_checkpoints (
    card_id       INTEGER PRIMARY KEY REFERENCES cards(id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,      -- ms: reviews at or before this are not replayed
    phase         TEXT NOT NULL CHECK (phase IN ('new', 'learning', 'review', 'relearning')),
    due           INTEGER,
    stability     REAL,
    difficulty    REAL,
    reps          INTEGER NOT NULL,
    lapses        INTEGER NOT NULL,
    last_review   INTEGER,
    step          INTEGER NOT NULL,
    interval_days INTEGER NOT NULL,
    ease          REAL
);

-- The trash keeps a deleted card's checkpoint and Anki link too (0003_trash.sql), so that a card
-- restored from it replays as before and a re-import of its package still finds it.
CREATE TABLE trash_checkpoints AS SELECT * FROM card_checkpoints WHERE 0;
CREATE TABLE trash_anki_cards AS SELECT * FROM anki_cards WHERE 0;
CREATE INDEX trash_checkpoints_by_card ON trash_checkpoints(card_id);
CREATE INDEX trash_anki_cards_by_note ON trash_anki_cards(note_id);
