#!/usr/bin/env bash
# Scheduler benchmarks (issue 5), release build:
#  1. FSRS-6 memory-state replay of a 1,000,000-review log over 45,000 cards (fixed seed),
#     best of several single-threaded runs, as reviews/s (target >= 12 M/s).
#  2. `recall next` as a fresh process on a 100,000-card store with 20,000 cards due,
#     median wall time of 30 runs, process start included (target <= 15 ms).
# Usage: scripts/bench-scheduler.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
scripts/setup

swift build -c release --product recall-bench >&2
bench="$(swift build -c release --show-bin-path)/recall-bench"
recall=$(build_release_recall)
print_bench_header

echo "== FSRS replay"
# Pin to one core when taskset is available: the replay is single-threaded.
if command -v taskset >/dev/null 2>&1; then taskset -c 0 "$bench"; else "$bench"; fi

echo "== recall next, 100,000 cards, 20,000 due"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scripts/make-bench-store.sh "$recall" "$work/bench.sqlite" 100000 20000 1764072000000 >/dev/null
export RECALL_DB="$work/bench.sqlite" RECALL_NOW=2025-11-25T12:00:00Z
"$recall" next | sed -n 1p
echo "recall next median: $(median_ms 30 "$recall" next) ms (target <= 15 ms)"
