import Foundation

/// With `RECALL_TIMINGS=1`, long commands print how long each phase took to stderr, for the
/// benchmarks in BENCHMARKS.md: wall time, and the CPU time of the whole process (every thread)
/// beside it, which a machine shared with other work disturbs far less. Otherwise it does nothing.
struct PhaseTimer {
    private let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = Self.cpuNanoseconds()

    init(environment: [String: String]) {
        enabled = environment["RECALL_TIMINGS"] == "1"
    }

    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.cpuNanoseconds()
        Output.error(String(format: "timing: %@ %.1f ms (cpu %.1f ms)", phase, Double(now - last) / 1e6,
                            Double(cpu - lastCPU) / 1e6))
        last = now
        lastCPU = cpu
    }

    /// User and system time of the process so far.
    private static func cpuNanoseconds() -> UInt64 {
        var time = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time) == 0 else { return 0 }
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
