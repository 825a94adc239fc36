# Shared by the benchmark scripts: a release build of recall and a wall-clock timer.
shopt -s inherit_errexit

# Builds recall in release mode with the Swift runtime linked in statically (as shipped:
# a fresh process starts in ~4 ms instead of ~10 ms) and prints the binary's path.
build_release_recall() {
    swift build -c release --static-swift-stdlib --product recall >&2
    echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/recall"
}

# Builds recall-bench in release mode, in the same configuration as `build_release_recall`
# (so that one build serves both), and prints the binary's path.
build_release_bench() {
    swift build -c release --static-swift-stdlib --product recall-bench >&2
    echo "$(swift build -c release --static-swift-stdlib --show-bin-path)/recall-bench"
}

# Prints the machine, commit and date, for BENCHMARKS.md.
print_bench_header() {
    echo "commit:  $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "machine: $(uname -srm), $(nproc 2>/dev/null || echo '?') cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ *//')"
    echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

# `median_ms RUNS command...`: runs the command RUNS times (output discarded) and prints the
# median wall time in milliseconds, process start included.
median_ms() {
    local runs=$1; shift
    local times=()
    for _ in $(seq 1 "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; printf "%.1f\n", m / 1000}'
}
