import Foundation

/// With `RECALL_TIMINGS=1`, long commands print how long each phase took to stderr, for the
/// benchmarks in BENCHMARKS.md. Otherwise it does nothing.
struct PhaseTimer {
    private let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds

    init(environment: [String: String]) {
        enabled = environment["RECALL_TIMINGS"] == "1"
    }

    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        Output.error(String(format: "timing: %@ %.1f ms (rss %@)", phase, Double(now - last) / 1e6, Self.memory()))
        last = now
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
