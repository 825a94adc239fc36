#!/usr/bin/env bash
# Soak: four writers (answer + add) and a sync at once, far longer than in CI.
# Usage: scripts/soak-writers.sh [ROUNDS_MULTIPLIER] [SEED]   (default 40x the CI rounds, a random seed)
# A failure prints its seed; run again with it to repeat the same rounds.
exec "$(dirname "$0")/lib-soak.sh" "fourWritersAtOnce" "$@"
