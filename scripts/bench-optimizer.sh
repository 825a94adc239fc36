#!/usr/bin/env bash
# Benchmarks `recall optimize --revlog` (the whole process) against fsrs-rs's compute_parameters
# (in-process, through fsrs-rs-python, items already built) on the same logs in the same run:
# sim_revlog.csv (5,000 cards, 36,303 reviews) and a generated log of 45,000 cards and about
# 991,000 reviews with same-day reviews. Prints one JSON line per log: seconds and log loss of
# both. Usage: scripts/bench-optimizer.sh [REPEAT]   (median of REPEAT runs, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
repeat=${1:-3}
source scripts/lib-bench.sh
scripts/setup
bin=$(build_release_recall)
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
venv=.build/bench-venv
if ! "$venv/bin/python" -c 'import fsrs_rs_python' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q fsrs-rs-python
fi
work=.build/bench-optimizer
mkdir -p "$work"
large=$work/large-45000.csv.gz
if [ ! -f "$large" ]; then
    "$venv/bin/python" scripts/revlog-sim.py simulate "$large" --cards 45000 --days 2000 --learn-days 215 \
        --seed 991 --same-day 0.7 \
        --params 0.2,0.6,1.8,6.0,7.5,0.7,1.8,0.02,1.0,0.25,1.3,2.0,0.12,0.4,1.6,0.5,2.0,0.4,0.3,0.1,0.45
fi
print_bench_header
"$venv/bin/python" scripts/revlog-sim.py bench Tests/Fixtures/optimizer/sim_revlog.csv.gz "$bin" --repeat "$repeat"
"$venv/bin/python" scripts/revlog-sim.py bench "$large" "$bin" --repeat 1
