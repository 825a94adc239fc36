#!/usr/bin/env bash
# Soak: mutated Markdown, TSV, Anki-text and deck files imported, far longer than in CI.
# Usage: scripts/soak-fuzz.sh [ROUNDS_MULTIPLIER] [SEED]   (default 40x the CI rounds, a random seed)
# A failure prints its seed; run again with it to repeat the same rounds.
exec "$(dirname "$0")/lib-soak.sh" "mutatedBanksAndDeckFiles" "$@"
