#!/usr/bin/env bash
# Makes a benchmark store: `scripts/make-bench-store.sh RECALL_BIN PATH CARDS DUE [NOW_MS]`.
# CARDS cards in 10 decks, DUE of them review cards due today, the rest split between new
# cards and reviews due later; each review card has a short history. Built with the sqlite3
# shell on top of a schema made by recall itself, so it is fast and uses the real migrations.
set -euo pipefail
bin=$1 path=$2 cards=$3 due=$4 now=${5:-1764072000000}
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
rm -f "$path" "$path-wal" "$path-shm"
RECALL_DB="$path" "$bin" init --empty >/dev/null
sqlite3 "$path" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO decks(name, config, created, modified)
  WITH RECURSIVE d(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 9)
  SELECT 'Deck ' || i, '{"new_per_day":"20","reviews_per_day":"9999"}', $now, $now FROM d;
INSERT INTO notes(deck_id, kind, identity, answer_key, front, back, tags, created, modified)
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $cards)
  SELECT (i % 10) + 1, 'basic', 'q' || i, 'a' || i,
         'Question number ' || i || ': what does ' || char(96) || 'f(' || i || ')' || char(96) || ' return when called twice?',
         'It returns ' || i || ' the first time and caches it.' || char(10) || char(10) || char(96, 96, 96) || 'python' || char(10) || 'f(' || i || ')' || char(10) || char(96, 96, 96),
         'bench', $now, $now FROM n;
INSERT INTO cards(note_id, deck_id, ordinal, phase, due, stability, difficulty, reps, lapses, last_review, interval_days, created, modified)
  SELECT id, deck_id, 1,
         CASE WHEN id <= $due THEN 'review' WHEN id % 2 = 0 THEN 'review' ELSE 'new' END,
         CASE WHEN id <= $due THEN $now - 3600000 - (id % 7) * 86400000
              WHEN id % 2 = 0 THEN $now + (1 + id % 60) * 86400000 ELSE NULL END,
         CASE WHEN id <= $due OR id % 2 = 0 THEN 5.0 + (id % 50) ELSE NULL END,
         CASE WHEN id <= $due OR id % 2 = 0 THEN 1.0 + (id % 9) ELSE NULL END,
         CASE WHEN id <= $due OR id % 2 = 0 THEN 3 ELSE 0 END, 0,
         CASE WHEN id <= $due OR id % 2 = 0 THEN $now - 10 * 86400000 ELSE NULL END,
         CASE WHEN id <= $due OR id % 2 = 0 THEN 10 ELSE 0 END,
         $now, $now
  FROM notes;
COMMIT;
PRAGMA optimize;
SQL
