#!/usr/bin/env bash
# Reading a big deck file with DeckFileStream (issue 13, streaming) against DeckReader, which
# reads it whole: pass 1 (read, parse and check every value through a 4 MB window) and then
# every card read again from the file in batches of 4,096, as a merge takes them. Each reader
# runs in its own process, so that its peak RSS is its own (BENCHMARKS.md, "Streaming").
# `scripts/bench-stream.sh` makes the 1 GB file of the target: 520,000 cards with 10 reviews
# each; CARDS=100000 makes the 193 MB one. RECALL_BIN / RECALL_BENCH_BIN skip the builds;
# DECK_FILE reads an existing deck file instead of making one; WHOLE=0 skips DeckReader.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
cards=${CARDS:-520000}
per_card=10
now_ms=1764072000000   # 2025-11-25T12:00:00Z

RECALL_BENCH_BIN=${RECALL_BENCH_BIN:-$(build_release_bench)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC RECALL_NOW=2025-11-25T12:00:00Z

print_bench_header
file=${DECK_FILE:-}
if [ -z "$file" ]; then
    bin=${RECALL_BIN:-$(build_release_recall)}
    command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
    source scripts/lib-sync-store.sh
    echo "making a store with $cards cards and $((cards * per_card)) reviews..."
    make_store "$work/a.sqlite"
    RECALL_DB="$work/a.sqlite" "$bin" export -o "$work/export.json" >/dev/null
    rm -rf "$work/a.sqlite"*
    file=$work/export.json
fi
echo "deck file: $(( $(stat -c %s "$file") / 1000000 )) MB"
runs=("read stream $file")
[ "${WHOLE:-1}" = 0 ] || runs+=("read ours $file")
for run in "${runs[@]}"; do
    # shellcheck disable=SC2086
    line=$(/usr/bin/time -f %M -o "$work/rss" "$RECALL_BENCH_BIN" deck-json $run)
    printf '%s\n    whole process: peak RSS %d MB\n' "$line" $(( $(tail -n 1 "$work/rss") / 1024 ))
done
