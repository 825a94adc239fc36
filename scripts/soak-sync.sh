#!/usr/bin/env bash
# The sync convergence property (Tests/RecallSyncTests/ConvergenceTests.swift) on many seeds:
# three stores, random operations, random sync orders; every seed must converge to
# byte-identical exports with no review lost. Also counts the seeds whose final export depends
# on the sync order (issue 13 asks for none; printed, not yet asserted).
# `scripts/soak-sync.sh [FIRST LAST]` (default seeds 1-3000).
set -euo pipefail
cd "$(dirname "$0")/.."
first=${1:-1}
last=${2:-3000}
swift build --build-tests >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
RECALL_SYNC_SEEDS="$first-$last" swift test --skip-build --filter ConvergenceTests >"$log" 2>&1 || status=$?
grep -E '^✘ .*seed|↳ seed' "$log" | head -40 || true
dependent=$(grep -c 'ended differently in another sync order' "$log" || true)
echo "seeds $first-$last: $( [ "$status" = 0 ] && echo 'all converged, no review lost' || echo 'FAILURES above' ); $dependent ended differently in another sync order"
exit "$status"
