#!/usr/bin/env bash
# The sync convergence property (Tests/RecallSyncTests/ConvergenceTests.swift) on many seeds:
# three stores, random operations, random sync orders; every seed must lose no review and
# converge to byte-identical exports after two rounds, the same whatever the order (each failure
# is listed and counted).
# `scripts/soak-sync.sh [--bank-everywhere] [FIRST LAST]` (default seeds 1-3000).
# --bank-everywhere lets every store import the same bank on its own before they first sync; by
# default only store A does. With it, 1 seed in 900 still ends differently in another sync order
# (issue 13).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--bank-everywhere" ]; then export RECALL_SYNC_BANK_EVERYWHERE=1; shift; fi
first=${1:-1}
last=${2:-3000}
swift build --build-tests >&2
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
RECALL_SYNC_SEEDS="$first-$last" swift test --skip-build --filter ConvergenceTests >"$log" 2>&1 || status=$?
grep -E '↳ seed' "$log" | head -40 || true
lost=$(grep -c '↳ seed [0-9]*: reviews lost' "$log" || true)
diverged=$(grep -c '↳ seed [0-9]*: exports differ after two rounds' "$log" || true)
dependent=$(grep -c '↳ seed [0-9]*: another sync order gave another export' "$log" || true)
echo "seeds $first-$last: $lost lost a review; $diverged did not converge in two rounds; $dependent ended differently in another sync order"
exit "$status"
