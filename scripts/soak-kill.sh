#!/usr/bin/env bash
# Soak: kill -9 at random moments of import, JSON import, sync, export and answer, far longer than in CI.
# Usage: scripts/soak-kill.sh [ROUNDS_MULTIPLIER] [SEED]   (default 40x the CI rounds, a random seed)
# A failure prints its seed; run again with it to repeat the same rounds.
exec "$(dirname "$0")/lib-soak.sh" "killedAtRandomMoments" "$@"
