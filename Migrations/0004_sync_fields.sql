-- recall store, schema 4: sync merges each field of a card by its own time, and decks have
-- stable ids (issue 13; docs/json.md, "Merging").
--
-- Decks: `guid` identifies a deck across stores whatever its name, so a rename is a change of
-- the name (at `renamed`, NULL: when created) and options set elsewhere follow the deck; a
-- deletion is a tombstone on the guid. A deck's guid is made from its name when it is created
-- (the same name on two new stores is one deck); recall fills it in for existing decks as this
-- migration runs (`Migrator`), and rewrites their deck tombstones, which named decks by name,
-- the same way.
ALTER TABLE decks ADD COLUMN guid TEXT;
ALTER TABLE decks ADD COLUMN renamed INTEGER;
-- Two decks of one name can meet in a sync (one renamed on a store to the name another store
-- gave a new deck). Both keep that name in deck files (`sync_name`, NULL: `name`), and this
-- store shows the one with the larger id as `name (2)` (`name` stays unique here), until the
-- user renames one of them.
ALTER TABLE decks ADD COLUMN sync_name TEXT;
CREATE UNIQUE INDEX decks_by_guid ON decks(guid);

-- Cards: the times of the fields that merge apart from the note's text (`notes.modified`) and
-- the deck (`moved`). NULL: the field has kept its value since `created`. Until now suspension
-- and the flag moved `cards.modified`; that is their time for the cards that have one.
ALTER TABLE cards ADD COLUMN suspended_at INTEGER;
ALTER TABLE cards ADD COLUMN flagged_at INTEGER;
ALTER TABLE cards ADD COLUMN buried_at INTEGER;
UPDATE cards SET suspended_at = modified WHERE suspended = 1 AND modified > created;
UPDATE cards SET flagged_at = modified WHERE flag != 0 AND modified > created;

-- The trash keeps the same columns as the tables it copies (0003_trash.sql).
ALTER TABLE trash_cards ADD COLUMN suspended_at INTEGER;
ALTER TABLE trash_cards ADD COLUMN flagged_at INTEGER;
ALTER TABLE trash_cards ADD COLUMN buried_at INTEGER;

-- A deck tombstone keeps the deck as it was deleted (name and options with their times), so
-- that a deck a card brings back comes back the same on every store (docs/json.md, "Merging").
ALTER TABLE tombstones ADD COLUMN name TEXT;
ALTER TABLE tombstones ADD COLUMN renamed INTEGER;
ALTER TABLE tombstones ADD COLUMN config TEXT;
ALTER TABLE tombstones ADD COLUMN modified INTEGER;
-- A card tombstone keeps the card as it was deleted (its fields with their times, as compact
-- JSON in the shape of a deck file's card), for the same reason.
ALTER TABLE tombstones ADD COLUMN card TEXT;
