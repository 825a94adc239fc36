#!/usr/bin/env bash
# Makes (once) the Python venv with the Anki package (`pip install anki`: Anki's own Rust
# backend) under .build/anki-venv, and prints its python. Used by check-anki-export,
# make-anki-fixtures.py and bench-anki.sh; the test suite never needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/anki-venv
if ! "$venv/bin/python" -c 'import anki' >/dev/null 2>&1; then
    mkdir -p .build
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check anki >&2
fi
echo "$PWD/$venv/bin/python"
