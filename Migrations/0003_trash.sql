-- recall store, schema 3: the trash (DESIGN.md invariant 8).
-- A card deleted by `recall rm`, `recall deck delete`, `recall import --prune` (or, through the
-- same store call, by sync) is copied here first, with its note and its whole review log, and
-- kept 30 days: `recall trash` lists it, `recall restore ID` puts it back with its id, guid and
-- history. `trash` has one row per card; the `trash_*` tables hold the rows exactly as they were
-- (same columns as `cards`, `notes` and `review_log`, so values round-trip bit for bit). A later
-- migration that adds a column to one of those tables adds it to its `trash_*` copy too; restore
-- copies the columns both have.
CREATE TABLE trash (
    card_id     INTEGER PRIMARY KEY,   -- the card's id (ids are never reused)
    note_id     INTEGER NOT NULL,
    deck        TEXT NOT NULL,         -- the deck's name then, recreated on restore if gone
    deck_config TEXT NOT NULL,
    deleted     INTEGER NOT NULL,      -- ms since the epoch; purged 30 days later
    reason      TEXT NOT NULL          -- what deleted it, for `recall trash`
);
CREATE INDEX trash_by_time ON trash(deleted);
CREATE TABLE trash_cards AS SELECT * FROM cards WHERE 0;
CREATE TABLE trash_notes AS SELECT * FROM notes WHERE 0;
CREATE TABLE trash_reviews AS SELECT * FROM review_log WHERE 0;
CREATE INDEX trash_cards_by_id ON trash_cards(id);
CREATE INDEX trash_notes_by_id ON trash_notes(id);
CREATE INDEX trash_reviews_by_card ON trash_reviews(card_id);
