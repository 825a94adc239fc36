#!/usr/bin/env bash
# recall's hand-written deck-file reader and writer against Foundation's JSONDecoder and
# JSONEncoder, on the export of 100,000 cards with 1,000,000 reviews (BENCHMARKS.md, "Deck
# files by hand"). Each side runs in its own process: wall time and peak RSS are its own.
# `scripts/bench-deck-json.sh`; RECALL_BIN / RECALL_BENCH_BIN skip the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
cards=${CARDS:-100000}
per_card=10
now_ms=1764072000000   # 2025-11-25T12:00:00Z

bin=${RECALL_BIN:-$(build_release_recall)}
RECALL_BENCH_BIN=${RECALL_BENCH_BIN:-$(build_release_bench)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TZ=UTC RECALL_NOW=2025-11-25T12:00:00Z
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
source scripts/lib-sync-store.sh

print_bench_header
echo "making a store with $cards cards and $((cards * per_card)) reviews..."
make_store "$work/a.sqlite"
RECALL_DB="$work/a.sqlite" "$bin" export -o "$work/export.json" >/dev/null
echo "export file: $(( $(stat -c %s "$work/export.json") / 1000000 )) MB"
for run in "read ours $work/export.json" "read foundation $work/export.json" \
           "write ours $work/out.json $work/a.sqlite" "write foundation $work/out.json $work/a.sqlite"; do
    # shellcheck disable=SC2086
    line=$(/usr/bin/time -f %M -o "$work/rss" "$RECALL_BENCH_BIN" deck-json $run)
    printf '%-60s peak RSS %4d MB\n' "$line" $(( $(tail -n 1 "$work/rss") / 1024 ))
done
