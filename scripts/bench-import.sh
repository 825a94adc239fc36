#!/usr/bin/env bash
# Import benchmarks (issue 4), release build, 100,000 generated cards (fixed seed):
# TSV and Markdown into a fresh store with the full-text index, re-import of the unchanged
# bank, peak RSS, and the sqlite3 shell's raw `.import` of the same TSV for scale.
# Targets: TSV <= 0.75 s, Markdown <= 1.0 s, re-import <= 0.5 s, peak RSS <= 250 MB.
# Usage: scripts/bench-import.sh [cards]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
scripts/setup
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
cards=${1:-100000}

swift build -c release --product recall-bench >&2
bench="$(swift build -c release --show-bin-path)/recall-bench"
recall=$(build_release_recall)
print_bench_header

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bench" bank tsv "$cards" 20261125 "$work/bank.tsv"
"$bench" bank md "$cards" 20261125 "$work/bank.md"
"$bench" bank headings "$cards" 20261125 "$work/bank.headings"
"$bench" bank headings-tsv "$cards" 20261125 "$work/bank.htsv"
"$bench" bank headings "$((cards / 10))" 20261125 "$work/bank10.headings"
mv "$work/bank.headings" "$work/headings.md"; mv "$work/bank.htsv" "$work/headings.tsv"; mv "$work/bank10.headings" "$work/headings10.md"
echo "bank: $cards cards; TSV $(du -h "$work/bank.tsv" | cut -f1), Markdown $(du -h "$work/bank.md" | cut -f1)"

# `timed LABEL command...` prints wall seconds and peak RSS of one run.
timed() {
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null
    read -r seconds rss < "$work/time"
    printf '%-28s %6.2f s   peak RSS %4d MB\n' "$label" "$seconds" $((rss / 1024))
}

tail -n +4 "$work/bank.tsv" > "$work/plain.tsv"
timed "sqlite3 .import (raw)" sqlite3 "$work/raw.sqlite" -cmd "CREATE TABLE t(front, back)" ".mode tabs" ".import $work/plain.tsv t"

export RECALL_NOW=2026-11-25T12:00:00Z
for format in tsv md; do
    export RECALL_DB="$work/$format.sqlite"
    "$recall" init --empty >/dev/null
    timed "recall import ($format)" "$recall" import "$work/bank.$format" --deck Bench
    timed "recall re-import ($format)" "$recall" import "$work/bank.$format" --deck Bench
done
# Issue 11: the heading-per-question bank against the same bank as TSV, in this run; and a
# tenth of it, to show the document reader is linear.
for bank in headings.tsv headings.md headings10.md; do
    export RECALL_DB="$work/$bank.sqlite"
    "$recall" init --empty >/dev/null
    timed "recall import ($bank)" "$recall" import "$work/$bank" --deck Headings
    if [ "$bank" = headings.md ]; then timed "recall re-import ($bank)" "$recall" import "$work/$bank" --deck Headings; fi
done
echo "targets: TSV <= 0.75 s, Markdown <= 1.0 s, re-import <= 0.5 s, peak RSS <= 250 MB"
echo "issue 11: headings.md <= 2x headings.tsv; headings10.md <= headings.md / 10 + process start; RSS <= 250 MB"
