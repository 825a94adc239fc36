-- recall store, schema 1.
-- Times are integers: milliseconds since the Unix epoch, UTC. Ids shown to users are the
-- INTEGER PRIMARY KEYs (AUTOINCREMENT: never reused); `guid` columns identify rows across
-- machines for sync.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE decks (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    name     TEXT NOT NULL UNIQUE,
    config   TEXT NOT NULL DEFAULT '{}',   -- scheduler options as JSON
    created  INTEGER NOT NULL,
    modified INTEGER NOT NULL
);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guid        TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(8)))),
    deck_id     INTEGER NOT NULL REFERENCES decks(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL DEFAULT 'basic' CHECK (kind IN ('basic', 'reversed', 'cloze')),
    identity    TEXT NOT NULL DEFAULT '',  -- hash of the normalised question: import matching key
    answer_key  TEXT NOT NULL DEFAULT '',  -- hash of the normalised answer: second matching key
    source_hash TEXT NOT NULL DEFAULT '',  -- hash of the note as its source last gave it (re-import)
    source      TEXT,                      -- file the note was imported from
    source_line INTEGER,                   -- 1-based line in that file
    front       TEXT NOT NULL,
    back        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '',  -- space-separated
    created     INTEGER NOT NULL,
    modified    INTEGER NOT NULL
);
CREATE INDEX notes_by_deck ON notes(deck_id);
CREATE INDEX notes_by_source ON notes(source);

CREATE TABLE cards (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guid          TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(8)))),
    note_id       INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    deck_id       INTEGER NOT NULL REFERENCES decks(id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL DEFAULT 1,   -- sibling number: reversed card 2, cloze n
    phase         TEXT NOT NULL DEFAULT 'new' CHECK (phase IN ('new', 'learning', 'review', 'relearning')),
    due           INTEGER,                      -- ms; review cards are due on the day it falls in
    stability     REAL,
    difficulty    REAL,
    reps          INTEGER NOT NULL DEFAULT 0,
    lapses        INTEGER NOT NULL DEFAULT 0,
    last_review   INTEGER,
    step          INTEGER NOT NULL DEFAULT 0,
    interval_days INTEGER NOT NULL DEFAULT 0,
    ease          REAL,
    suspended     INTEGER NOT NULL DEFAULT 0,
    buried_until  INTEGER,                      -- day number (see DayClock) the card stays buried through
    flag          INTEGER NOT NULL DEFAULT 0,
    created       INTEGER NOT NULL,
    modified      INTEGER NOT NULL,
    UNIQUE (note_id, ordinal)
);
-- The study queue counts and picks cards by deck, phase and due; carrying suspended and
-- buried_until in the index lets those queries run on the index alone.
CREATE INDEX cards_by_deck_queue ON cards(deck_id, phase, due, suspended, buried_until);
CREATE INDEX cards_by_queue ON cards(phase, due);

CREATE TABLE review_log (
    id                 TEXT PRIMARY KEY,         -- UUIDv7: unique across machines, sorts by time
    card_id            INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
    reviewed_at        INTEGER NOT NULL,
    rating             INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    duration_ms        INTEGER NOT NULL DEFAULT 0,
    undoable           INTEGER NOT NULL DEFAULT 1, -- answered here (undo can take it back), not merged from elsewhere
    -- The card as it was before this review, so that undo restores it exactly.
    prev_phase         TEXT NOT NULL,
    prev_due           INTEGER,
    prev_stability     REAL,
    prev_difficulty    REAL,
    prev_reps          INTEGER NOT NULL,
    prev_lapses        INTEGER NOT NULL,
    prev_last_review   INTEGER,
    prev_step          INTEGER NOT NULL,
    prev_interval_days INTEGER NOT NULL,
    prev_ease          REAL,
    prev_suspended     INTEGER NOT NULL,
    prev_tags          TEXT,                     -- the note's tags, when this review changed them (leech)
    buried_siblings    TEXT                      -- ids of sibling cards this answer buried, space-separated
);
CREATE INDEX review_log_by_card ON review_log(card_id, reviewed_at);
CREATE INDEX review_log_by_time ON review_log(reviewed_at);

CREATE TABLE tombstones (
    id      TEXT PRIMARY KEY,                    -- guid of the deleted card or note, or the deck name
    kind    TEXT NOT NULL CHECK (kind IN ('card', 'note', 'deck')),
    deleted INTEGER NOT NULL
) WITHOUT ROWID;

-- Full-text index over the notes, kept in step with them by triggers.
CREATE VIRTUAL TABLE notes_fts USING fts5(
    front, back, tags,
    content = 'notes', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
    INSERT INTO notes_fts(rowid, front, back, tags) VALUES (new.id, new.front, new.back, new.tags);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, front, back, tags) VALUES ('delete', old.id, old.front, old.back, old.tags);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF front, back, tags ON notes BEGIN
    INSERT INTO notes_fts(notes_fts, rowid, front, back, tags) VALUES ('delete', old.id, old.front, old.back, old.tags);
    INSERT INTO notes_fts(rowid, front, back, tags) VALUES (new.id, new.front, new.back, new.tags);
END;

-- This store's identity as a sync peer: names its file in a sync folder.
INSERT INTO settings(key, value) VALUES ('device_id', lower(hex(randomblob(8))));
