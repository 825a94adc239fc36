/// Interval fuzz as in Anki's rslib `scheduler/states/fuzz.rs`: review intervals are spread over
/// a small range so that cards learnt together come due on different days.
public enum Fuzz {
    /// Days of the interval falling in each range get this share of fuzz (Anki `FUZZ_RANGES`).
    private static let ranges: [(start: Double, end: Double, factor: Double)] = [
        (2.5, 7.0, 0.15), (7.0, 20.0, 0.1), (20.0, .greatestFiniteMagnitude, 0.05),
    ]

    /// The fuzz factor in [0, 1) for a card: a splitmix64 hash of its seed and its review count
    /// (before this answer). Deterministic, so replaying a log gives the same due dates, yet it
    /// differs from one review to the next (Anki hashes card id + reps the same way).
    public static func factor(seed: UInt64, reps: Int) -> Double {
        var z = seed &+ UInt64(truncatingIfNeeded: reps) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53  // 53 random bits: [0, 1)
    }

    /// Days of fuzz in each direction: none below 2.5 days, else 1 day plus 15 % of the days in
    /// 2.5–7, 10 % of those in 7–20 and 5 % of those above 20.
    public static func delta(_ interval: Double) -> Double {
        if interval < 2.5 { return 0 }
        var delta = 1.0
        for r in ranges {
            delta += r.factor * max(min(interval, r.end) - r.start, 0)
        }
        return delta
    }

    /// The whole-day range the fuzzed interval is drawn from, within [minimum, maximum], at least
    /// two days wide when the limits allow and the interval is above 2 days (Anki
    /// `constrained_fuzz_bounds`).
    public static func bounds(_ interval: Double, minimum: Int, maximum: Int) -> (lower: Int, upper: Int) {
        let minimum = min(minimum, maximum)
        let ivl = clamp(interval, Double(minimum), Double(maximum))
        let d = delta(ivl)
        var lower = clampInt(wholeRound(ivl - d), minimum, maximum)
        var upper = clampInt(wholeRound(ivl + d), minimum, maximum)
        if upper == lower && upper > 2 && upper < maximum { upper = lower + 1 }
        if lower > upper { lower = upper }
        return (lower, upper)
    }

    /// The interval in whole days: with a `factor`, `lower + ⌊factor·(upper − lower + 1)⌋` of the
    /// fuzz range; without one, the rounded interval clamped to [minimum, maximum] (Anki
    /// `with_review_fuzz`).
    public static func apply(_ interval: Double, factor: Double?, minimum: Int, maximum: Int) -> Int {
        guard let factor else {
            return clampInt(wholeRound(interval), min(minimum, maximum), maximum)
        }
        let (lower, upper) = bounds(interval, minimum: minimum, maximum: maximum)
        let f = clamp(factor, 0, 1)
        let picked = Double(lower) + (f * Double(1 + upper - lower)).rounded(.down)
        return min(Int(picked), upper)
    }

    /// Rounds half away from zero (Rust `f32::round`), saturating instead of trapping.
    private static func wholeRound(_ x: Double) -> Int {
        let r = x.rounded()
        if !(r > -1e15) { return r.isNaN ? 0 : Int(-1e15) }
        return r < 1e15 ? Int(r) : Int(1e15)
    }

    private static func clamp(_ x: Double, _ lo: Double, _ hi: Double) -> Double {
        if !(x >= lo) { return lo }
        return x > hi ? hi : x
    }

    private static func clampInt(_ x: Int, _ lo: Int, _ hi: Int) -> Int { min(max(x, lo), hi) }
}
