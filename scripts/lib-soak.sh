#!/usr/bin/env bash
# Shared by scripts/soak-*.sh: builds, then runs the robustness tests matching FILTER with
# RECALL_SOAK (a multiplier of the CI rounds, default 40) and RECALL_SOAK_SEED (optional).
# Usage: scripts/lib-soak.sh FILTER [ROUNDS_MULTIPLIER] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
filter="$1"
swift build --product recall
swift build --build-tests
export RECALL_SOAK="${2:-40}"
if [ -n "${3:-}" ]; then export RECALL_SOAK_SEED="$3"; fi
exec swift test --skip-build --filter "RobustnessTests/($filter)"
