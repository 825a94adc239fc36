#!/usr/bin/env bash
# Export, JSON import and folder sync on 100,000 cards with 1,000,000 reviews (BENCHMARKS.md).
# `scripts/bench-sync.sh [RUNS]`: release build, generated store, median wall time of RUNS
# runs (default 3) and peak RSS of each command, against the targets of issue 7:
# export <= 1.5 s, import into an empty store <= 3 s, sync with no changes <= 1 s, RSS <= 500 MB
# (also for a first sync against two other devices' full-size files).
# RECALL_BIN=path skips the build (any recall binary). The import step runs `recall import FILE.json`.
# Issue 13's targets are ratios to the sqlite3 shell's `.dump` of the same store, measured in the
# same run (so they hold on a shared machine): import <= 1.5x, export <= 0.7x, a no-change sync
# <= 0.15x, a first sync against two full-size peer files <= 3x; printed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib-bench.sh
runs=${1:-3}
source scripts/lib-sync-store.sh
sync_bench_setup

# `measure NAME TARGET_S SETUP COMMAND...`: runs SETUP (untimed) then COMMAND, RUNS times;
# prints the median wall time, the peak RSS of the last run and the verdict.
measure() {
    local name=$1 target=$2 setup=$3; shift 3
    local times=() rss=0
    for _ in $(seq 1 "$runs"); do
        eval "$setup"
        local start end
        start=$(date +%s%N)
        if ! /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>"$work/err"; then
            printf '%-28s FAILED: %s\n' "$name" "$(tail -n 1 "$work/err")"
            return 1
        fi
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
        rss=$(tail -n 1 "$work/rss")
    done
    local median
    last_median=0
    median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2] + a[NR/2+1]) / 2)}')
    local verdict=ok
    awk -v m="$median" -v t="$target" 'BEGIN {exit !(m > t * 1000)}' && verdict=SLOW
    [ "$rss" -gt 512000 ] && verdict="$verdict, RSS over 500 MB"
    printf '%-28s %7.2f s  (target %.1f s)  peak RSS %4d MB  %s\n' "$name" "$(awk -v m="$median" 'BEGIN {print m / 1000}')" \
        "$target" $((rss / 1024)) "$verdict"
    last_median=$median
}

# `ratio NAME MEDIAN_MS TARGET`: the figure as a multiple of `.dump`, against issue 13's target.
ratios=()
ratio() {
    ratios+=("$(awk -v n="$1" -v m="$2" -v d="$dump_ms" -v t="$3" \
        'BEGIN {r = m / d; printf "%-28s %5.2fx .dump  (target <= %.2fx)  %s", n, r, t, (r <= t ? "met" : "MISSED")}')")
}

print_bench_header
echo "binary:  $bin"
echo "making a store with $cards cards and $((cards * per_card)) reviews..."
make_store "$work/a.sqlite"
RECALL_DB="$work/a.sqlite" "$bin" export -o "$work/export.json" >/dev/null
echo "export file: $(( $(stat -c %s "$work/export.json") / 1000000 )) MB"
echo

measure "sqlite3 .dump (reference)" 60 ":" sqlite3 "$work/a.sqlite" .dump
dump_ms=$last_median

export RECALL_DB="$work/a.sqlite"
measure "export" 1.5 ":" "$bin" export -o "$work/out.json" && ratio "export" "$last_median" 0.7 || true

fresh_store() {
    rm -f "$work/b.sqlite" "$work/b.sqlite-wal" "$work/b.sqlite-shm"
    RECALL_DB="$work/b.sqlite" "$bin" init --empty >/dev/null
}
if measure "import into an empty store" 3.0 "fresh_store" env RECALL_DB="$work/b.sqlite" "$bin" import "$work/export.json" \
    && ratio "import into an empty store" "$last_median" 1.5 && ! cmp -s <(RECALL_DB="$work/b.sqlite" "$bin" export) "$work/export.json"; then
    echo "warning: export -> import -> export is not byte-identical" >&2
fi

# A folder where another device's file holds the same collection; the first sync merges it
# (nothing new) and writes ours; the timed ones find nothing changed.
mkdir -p "$work/folder"
cp "$work/export.json" "$work/folder/0123456789abcdef.json"
"$bin" sync "$work/folder" >/dev/null
measure "sync with no changes" 1.0 ":" "$bin" sync "$work/folder" && ratio "sync with no changes" "$last_median" 0.15 || true

# A new device's first sync: an empty store, and two other devices' full-size files in the
# folder. Each file is read, checked and merged in turn (the second adds nothing), then our
# file is written: the point is the peak RSS (<= 500 MB), with no time target of its own.
first_sync() {
    rm -rf "$work/peers" "$work/c.sqlite" "$work/c.sqlite-wal" "$work/c.sqlite-shm"
    mkdir -p "$work/peers"
    cp "$work/export.json" "$work/peers/1111111111111111.json"
    cp "$work/export.json" "$work/peers/2222222222222222.json"
    RECALL_DB="$work/c.sqlite" "$bin" init --empty >/dev/null
}
measure "first sync, two peer files" 60 "first_sync" env RECALL_DB="$work/c.sqlite" "$bin" sync "$work/peers" \
    && ratio "first sync, two peer files" "$last_median" 3 || true
echo
echo "issue 13 (ratios to .dump of the same store, this run):"
printf '  %s\n' "${ratios[@]}"
