#!/usr/bin/env bash
# Soak: a hostile sync folder (directories named *.json, sockets, unreadable files, 10^6-deep
# nesting), its tests run N times over (each round builds a new folder).
# Usage: scripts/soak-folder.sh [N]   (default 10)
set -euo pipefail
for _ in $(seq 1 "${1:-10}"); do
  "$(dirname "$0")/lib-soak.sh" "aDirectoryNamed|aSocketIn|anUnreadableFile|aMillionDeepNesting" 1
done
