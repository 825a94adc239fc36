import RecallScheduler

/// The benchmarks draw from the scheduler's splitmix64, so generated data is the same everywhere.
extension SplitMix64 {
    init(state: UInt64) { self.init(seed: state) }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
