#!/usr/bin/env bash
# The sync convergence property (Tests/RecallSyncTests/ConvergenceTests.swift) on many seeds:
# three stores, random operations, random sync orders; every seed must converge to
# byte-identical exports with no review lost (a lost review fails). Also counts the seeds that did
# not converge in two rounds and those whose export depends on the sync order: issue 13 asks for
# none; the merge does not give that for every seed yet (known issues in the test).
# `scripts/soak-sync.sh [--bank-everywhere] [FIRST LAST]` (default seeds 1-3000).
# --bank-everywhere lets every store import the same bank on its own before they first sync,
# which does not always converge in two rounds yet (issue 13); by default only store A does.
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
grep -E '^✘ .*seed|↳ seed' "$log" | head -40 || true
dependent=$(grep -c 'ended differently in another sync order' "$log" || true)
diverged=$(grep -c 'did not converge in two rounds' "$log" || true)
echo "seeds $first-$last: $( [ "$status" = 0 ] && echo 'no review lost' || echo 'FAILURES above' ); $diverged did not converge in two rounds; $dependent ended differently in another sync order"
exit "$status"
