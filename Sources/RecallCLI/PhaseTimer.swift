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
        Output.error(String(format: "timing: %@ %.1f ms", phase, Double(now - last) / 1e6))
        last = now
    }
}
