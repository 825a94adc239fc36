#!/usr/bin/env bash
# Soak: kill -9 at random moments of import, JSON import, sync, export and answer, far longer than in CI.
# Usage: scripts/soak-kill.sh [ROUNDS_MULTIPLIER] [SEED]   (default 40x the CI rounds, a random seed)
# A failure prints its seed; run again with it to repeat the same rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product recall
swift build --build-tests
export RECALL_SOAK="${1:-40}"
if [ -n "${2:-}" ]; then export RECALL_SOAK_SEED="$2"; fi
exec swift test --skip-build --filter "RobustnessTests/(killedAtRandomMoments)"
