#!/usr/bin/env bash
# Benchmarks `recall stats` on a store of 100,000 cards and 1,000,000 reviews (10 a card, over
# the last two years, most of them review answers with a memory state): wall time of the whole
# process, median of 9, text and --json. Usage: scripts/bench-stats.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
scripts/setup
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
recall=$(build_release_recall)
work=.build/bench-stats
mkdir -p "$work"
store=$work/bench.sqlite
now=1764072000000
if [ ! -f "$store" ]; then
    scripts/make-bench-store.sh "$recall" "$store" 100000 20000 $now >/dev/null
    sqlite3 "$store" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO review_log(id, card_id, reviewed_at, rating, duration_ms, prev_phase, prev_stability, prev_interval_days)
  WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 9)
  SELECT printf('%08x-0000-7000-8000-%012x', c.id, j), c.id,
         $now - (730 - j * 73 + c.id % 60) * 86400000 + (c.id % 86400) * 1000,
         CASE WHEN (c.id * 7 + j) % 10 = 0 THEN 1 WHEN (c.id + j) % 7 = 0 THEN 2 WHEN (c.id + j) % 11 = 0 THEN 4 ELSE 3 END,
         3000 + (c.id * 13 + j) % 20000,
         CASE WHEN j = 0 THEN 'new' WHEN j = 1 THEN 'learning' ELSE 'review' END,
         CASE WHEN j >= 1 THEN 1.0 + (c.id % 40) + j * 5 ELSE NULL END,
         CASE WHEN j >= 2 THEN 73 * (j % 3) ELSE 0 END
  FROM cards c, k ORDER BY c.id, j;
COMMIT;
PRAGMA optimize;
SQL
    # The sqlite3 shell stores the ids as text; recall keeps a UUID as its 16 bytes.
    RECALL_DB="$store" "$recall" check --fix >/dev/null || true
fi
print_bench_header
echo "store: $(sqlite3 "$store" 'SELECT count(*) FROM cards') cards, $(sqlite3 "$store" 'SELECT count(*) FROM review_log') reviews"
export RECALL_DB="$store" RECALL_NOW=2025-11-25T12:00:00Z
echo "recall stats:        $(median_ms 9 "$recall" stats) ms (median of 9, target < 500 ms)"
echo "recall stats --json: $(median_ms 9 "$recall" stats --json) ms (median of 9)"
