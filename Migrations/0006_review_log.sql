-- recall store, schema 6: a leaner review log (issue 13; BENCHMARKS.md, "Review log shape").
--
-- Until now each review was a rowid table row with a TEXT primary key (two b-trees per row), two
-- more indexes (by card, by time), and twelve columns of the card as it was before the review,
-- which only undo reads, kept for every review, merged ones included.
--
-- The log is now keyed by what it is read by: a card's reviews in replay order (card, time,
-- id), so replay, export and `recall check` read the table in order and need no index of their
-- own. The id is unique through one index; a canonical UUID id (every id recall makes) is kept
-- as its 16 bytes (a BLOB) instead of its 36 characters, any other id as TEXT
-- (`ReviewIDColumn.swift`). Of the card as it was before the review, the log keeps what the
-- study queue and `recall stats` read for every review: phase, stability, interval. A
-- review's previous review time is the previous row of the card.
--
-- A card's reviews go with it through a trigger instead of a foreign key: the key made SQLite
-- look the card up for every review inserted (a third of the cost of a million-review import),
-- and recall writes a card before its reviews anyway. The trigger also runs when a card goes
-- through the cascade of its note's or deck's deletion.
CREATE TABLE review_log_6 (
    card_id            INTEGER NOT NULL,          -- cards.id; deleted with the card (cards_delete_reviews)
    reviewed_at        INTEGER NOT NULL,
    id                 NOT NULL,                 -- BLOB (a UUID's 16 bytes) or TEXT (any other id)
    rating             INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
    duration_ms        INTEGER NOT NULL DEFAULT 0,
    prev_phase         TEXT NOT NULL,            -- the card before this review, for the queue and stats
    prev_stability     REAL,
    prev_interval_days INTEGER NOT NULL,
    PRIMARY KEY (card_id, reviewed_at, id)
) WITHOUT ROWID;
INSERT INTO review_log_6(card_id, reviewed_at, id, rating, duration_ms, prev_phase, prev_stability, prev_interval_days)
SELECT card_id, reviewed_at, recall_review_id(id), rating, duration_ms, prev_phase, prev_stability, prev_interval_days
FROM review_log ORDER BY card_id, reviewed_at, recall_review_id(id);

-- What undo needs, only for the answers given in this store that undo can still take back: the
-- card as it was before (state, suspension, tags a leech answer changed, siblings it buried).
-- `seq` orders answers as they were given (AUTOINCREMENT: never reused); the settings key
-- `published_review_rowid` holds the largest one written into a deck file, at or below which
-- undo refuses; of the rows at or below it only the newest is kept (for undo to name what it
-- refuses). An answer stops being undoable when reviews from elsewhere join its card's log
-- (its row is dropped then).
CREATE TABLE review_undo (
    seq                INTEGER PRIMARY KEY AUTOINCREMENT,
    review_id          NOT NULL,                 -- review_log.id
    card_id            INTEGER NOT NULL REFERENCES cards(id) ON DELETE CASCADE,
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
    prev_tags          TEXT,                     -- the note's tags, when this answer changed them (leech)
    buried_siblings    TEXT                      -- ids of sibling cards this answer buried, space-separated
);
CREATE INDEX review_undo_by_card ON review_undo(card_id);
-- Old rowids become the sequence numbers, so the published mark keeps its meaning.
INSERT INTO review_undo(seq, review_id, card_id, prev_phase, prev_due, prev_stability, prev_difficulty, prev_reps,
                        prev_lapses, prev_last_review, prev_step, prev_interval_days, prev_ease, prev_suspended,
                        prev_tags, buried_siblings)
SELECT rowid, recall_review_id(id), card_id, prev_phase, prev_due, prev_stability, prev_difficulty, prev_reps,
       prev_lapses, prev_last_review, prev_step, prev_interval_days, prev_ease, prev_suspended, prev_tags, buried_siblings
FROM review_log
WHERE undoable = 1
  AND rowid >= coalesce((SELECT max(rowid) FROM review_log WHERE undoable = 1 AND rowid <= coalesce(
        (SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'published_review_rowid'), 0)), 0)
ORDER BY rowid;
DELETE FROM sqlite_sequence WHERE name = 'review_undo';
INSERT INTO sqlite_sequence(name, seq) SELECT 'review_undo', coalesce(max(rowid), 0) FROM review_log;

DROP TABLE review_log;
ALTER TABLE review_log_6 RENAME TO review_log;
CREATE UNIQUE INDEX review_log_by_id ON review_log(id);
CREATE INDEX review_log_by_time ON review_log(reviewed_at);
CREATE TRIGGER cards_delete_reviews AFTER DELETE ON cards BEGIN
    DELETE FROM review_log WHERE card_id = old.id;
END;

-- The trash keeps the same columns as the tables it copies (0003_trash.sql).
CREATE TABLE trash_reviews_6 AS SELECT * FROM review_log WHERE 0;
INSERT INTO trash_reviews_6(card_id, reviewed_at, id, rating, duration_ms, prev_phase, prev_stability, prev_interval_days)
SELECT card_id, reviewed_at, recall_review_id(id), rating, duration_ms, prev_phase, prev_stability, prev_interval_days
FROM trash_reviews;
DROP TABLE trash_reviews;
ALTER TABLE trash_reviews_6 RENAME TO trash_reviews;
CREATE INDEX trash_reviews_by_card ON trash_reviews(card_id);
