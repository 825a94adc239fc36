#!/usr/bin/env bash
# What SQLite alone takes to write the rows of `scripts/bench-sync.sh`'s collection (100,000
# cards, 1,000,000 reviews) into an empty recall store, with no JSON at all: the sqlite3 shell
# copies them from the benchmark's own store (`INSERT ... SELECT` from an attached file, one
# transaction), next to its `.dump` of that store. Issue 13's import target (<= 1.5x `.dump`) is
# judged against these floors (BENCHMARKS.md, "Sync v2: where the import's time goes").
# `scripts/bench-sqlite-floor.sh [RUNS]` (default 3; median wall time of each).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
runs=${1:-3}
source scripts/lib-sync-store.sh
sync_bench_setup

print_bench_header
echo "making a store with $cards cards and $((cards * per_card)) reviews..."
make_store "$work/a.sqlite"

# `copy NAME JOURNAL SQL`: an empty store (recall's schema), then the copy in one transaction
# with a 64 MB cache; prints the median wall time of RUNS runs.
copy() {
    local name=$1 journal=$2 sql=$3 times=()
    for _ in $(seq 1 "$runs"); do
        rm -rf "$work/b.sqlite" "$work/b.sqlite-wal" "$work/b.sqlite-shm"
        RECALL_DB="$work/b.sqlite" "$bin" init --empty >/dev/null
        local start end
        start=$(date +%s%N)
        sqlite3 "$work/b.sqlite" >/dev/null <<SQL
PRAGMA cache_size = -65536;
PRAGMA journal_mode = $journal;
ATTACH '$work/a.sqlite' AS src;
BEGIN;
$sql
INSERT INTO decks SELECT * FROM src.decks WHERE id NOT IN (SELECT id FROM main.decks);
INSERT INTO notes SELECT * FROM src.notes;
INSERT INTO cards SELECT * FROM src.cards;
INSERT INTO review_log SELECT * FROM src.review_log;
COMMIT;
SQL
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    local median
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    awk -v n="$name" -v m="$median" -v d="$dump_ms" 'BEGIN {printf "%-58s %6.2f s  %5.2fx .dump\n", n, m / 1000, m / d}'
}

dump_ms=$(median_ms "$runs" sqlite3 "$work/a.sqlite" .dump | awk '{print int($1)}')
awk -v d="$dump_ms" 'BEGIN {printf "%-58s %6.2f s\n", "sqlite3 .dump (reference)", d / 1000}'
copy "rows into recall's schema, through the write-ahead log" WAL ""
copy "rows into recall's schema, rollback journal" DELETE ""
copy "the same without the log's two secondary indexes" DELETE \
    "DROP INDEX review_log_by_id; DROP INDEX review_log_by_time;"
copy "the same without them and without search indexing" DELETE \
    "DROP INDEX review_log_by_id; DROP INDEX review_log_by_time; DROP TRIGGER notes_fts_insert;"
