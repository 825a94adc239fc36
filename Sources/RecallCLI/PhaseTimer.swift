import Foundation

/// With `RECALL_TIMINGS=1`, long commands print how long each phase took to stderr, for the
/// benchmarks in BENCHMARKS.md: wall time, and the CPU time of the whole process (every thread)
/// beside it, which a machine shared with other work disturbs far less, and its memory (now and
/// at its peak). Otherwise it does nothing.
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
        Output.error(String(format: "timing: %@ %.1f ms (cpu %.1f ms, rss %@)", phase, Double(now - last) / 1e6,
                            Double(cpu >= lastCPU ? cpu - lastCPU : 0) / 1e6, Self.memory()))
        last = now
        lastCPU = cpu
    }

    /// User and system time of the process so far (every thread's).
    private static func cpuNanoseconds() -> UInt64 {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        let seconds = UInt64(max(0, usage.ru_utime.tv_sec + usage.ru_stime.tv_sec))
        let micros = UInt64(max(0, usage.ru_utime.tv_usec + usage.ru_stime.tv_usec))
        return seconds * 1_000_000_000 + micros * 1_000
    }

    /// This process's resident memory now and at its peak (`VmRSS`, `VmHWM` of
    /// /proc/self/status), for finding which phase holds memory; "?" where there is no /proc.
    private static func memory() -> String {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return "?" }
        func field(_ name: String) -> String {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return "?" }
            let kilobytes = Int(line.dropFirst(name.count + 1).filter(\.isNumber)) ?? 0
            return "\(kilobytes / 1024) MB"
        }
        return field("VmRSS") + ", peak " + field("VmHWM")
    }
}
