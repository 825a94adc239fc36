import Foundation

/// FSRS memory state of one card (spec FSRS6.md section 1).
public struct MemoryState: Sendable, Equatable, Hashable, Codable {
    /// Days until retrievability falls to 90 %, in [0.001, 36500].
    public var stability: Double
    /// How hard the card is, in [1, 10].
    public var difficulty: Double

    public init(stability: Double, difficulty: Double) {
        self.stability = stability
        self.difficulty = difficulty
    }
}

/// One candidate outcome of `FSRS.nextStates`: the memory state after the answer and the
/// **unrounded** interval in days that reaches the desired retention (spec section 3).
public struct ItemState: Sendable, Equatable {
    public var memory: MemoryState
    /// Days, unrounded, no minimum and no maximum (as fsrs-rs returns it).
    public var interval: Double

    public init(memory: MemoryState, interval: Double) {
        self.memory = memory
        self.interval = interval
    }
}

/// The four candidate outcomes of a review, in one value: what the review screen shows.
public struct NextStates: Sendable, Equatable {
    public var again: ItemState
    public var hard: ItemState
    public var good: ItemState
    public var easy: ItemState

    public init(again: ItemState, hard: ItemState, good: ItemState, easy: ItemState) {
        self.again = again
        self.hard = hard
        self.good = good
        self.easy = easy
    }

    public subscript(rating: Rating) -> ItemState {
        switch rating {
        case .again: again
        case .hard: hard
        case .good: good
        case .easy: easy
        }
    }
}

/// One review of a card as the memory model sees it: the rating and the whole days since
/// the previous review (ignored for the first review). Kept to 8 bytes so that a review log
/// of a million entries replays from cache.
public struct FSRSReview: Sendable, Equatable, Hashable {
    public var rating: Rating
    /// Whole days since the previous review of the card; 0 for a same-day review.
    public var elapsedDays: Int32

    public init(rating: Rating, elapsedDays: Int32) {
        self.rating = rating
        self.elapsedDays = elapsedDays
    }
}

/// The FSRS-6 memory model (spec FSRS6.md), computed in `Double`.
///
/// Pure: it takes ratings and elapsed whole days, never a clock. The 21 parameters are
/// validated once in `init` and every constant that depends only on them is computed there,
/// so that `nextState` and `memoryState(replaying:)` do only the work that depends on S, D and t.
public struct FSRS: Sendable, Equatable {
    /// fsrs-rs 6.6.2 defaults (spec section 1).
    public static let defaultParameters: [Double] = [
        0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796,
        1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542,
    ]
    public static let parameterCount = 21
    /// Stability bounds in days applied by fsrs-rs after every step and to incoming states (spec 6).
    public static let minimumStability = 0.001
    public static let maximumStability = 36_500.0
    /// Difficulty bounds (spec 4, 5).
    public static let minimumDifficulty = 1.0
    public static let maximumDifficulty = 10.0

    /// The validated parameters w0 … w20.
    public let parameters: [Double]

    // Constants derived from the parameters (names follow the spec's formulas).
    /// S0(G) = w[G-1], clamped like every stability.
    @usableFromInline let s0: (Double, Double, Double, Double)
    /// D0(G), clamped to [1, 10].
    @usableFromInline let d0: (Double, Double, Double, Double)
    /// -w6·(G-3)/9: the damped difficulty step is dStep·(10 - D).
    @usableFromInline let dStep: (Double, Double, Double, Double)
    /// w7 · D0raw(4): the mean-reversion target's share (D0raw(4) is not clamped, spec 5).
    @usableFromInline let meanReversionTerm: Double
    /// 1 - w7.
    @usableFromInline let oneMinusW7: Double
    /// e^(w17·(G-3+w18)): the same-day stability factor before the S^(-w19) term (spec 6).
    @usableFromInline let shortTermBase: (Double, Double, Double, Double)
    /// e^w8 · (w15 if Hard) · (w16 if Easy), for Hard, Good and Easy (spec 6, recall).
    @usableFromInline let recallScale: (Double, Double, Double)
    /// 1 / e^(w17·w18): the forget-stability cap is S times this (spec 6, forget).
    @usableFromInline let forgetCap: Double
    /// F = 0.9^(-1/w20) - 1 (spec 2).
    @usableFromInline let factor: Double
    /// -w20, the exponent of the forgetting curve.
    @usableFromInline let negDecay: Double
    @usableFromInline let w9: Double, w10: Double, w11: Double, w12: Double, w13: Double, w14: Double
    @usableFromInline let w19: Double

    /// Validates `parameters`: exactly 21 finite numbers, each within `parameterBounds` (with
    /// w20 ≤ 0 the forgetting curve of spec section 2 would not even be defined). Rejects rather
    /// than clamps, like py-fsrs's `Scheduler`, so that a typing error is not silently changed.
    public init(parameters: [Double] = FSRS.defaultParameters) throws(ConfigError) {
        try FSRS.validate(parameters: parameters)
        let w = parameters
        self.parameters = parameters
        func clampS(_ s: Double) -> Double { FSRS.clampStability(s) }
        s0 = (clampS(w[0]), clampS(w[1]), clampS(w[2]), clampS(w[3]))
        func d0raw(_ g: Double) -> Double { w[4] - exp(w[5] * (g - 1)) + 1 }
        d0 = (
            FSRS.clampDifficulty(d0raw(1)), FSRS.clampDifficulty(d0raw(2)),
            FSRS.clampDifficulty(d0raw(3)), FSRS.clampDifficulty(d0raw(4))
        )
        dStep = (-w[6] * -2 / 9, -w[6] * -1 / 9, 0, -w[6] * 1 / 9)
        meanReversionTerm = w[7] * d0raw(4)
        oneMinusW7 = 1 - w[7]
        func stBase(_ g: Double) -> Double { exp(w[17] * (g - 3 + w[18])) }
        shortTermBase = (stBase(1), stBase(2), stBase(3), stBase(4))
        recallScale = (exp(w[8]) * w[15], exp(w[8]), exp(w[8]) * w[16])
        forgetCap = 1 / exp(w[17] * w[18])
        factor = pow(0.9, -1 / w[20]) - 1
        negDecay = -w[20]
        w9 = w[9]
        w10 = w[10]
        w11 = w[11]
        w12 = w[12]
        w13 = w[13]
        w14 = w[14]
        w19 = w[19]
    }

    /// The range each of w0 … w20 must lie in, with the bounds as the user sees them: those
    /// py-fsrs 6 checks in `Scheduler._validate_parameters` (`LOWER_BOUNDS_PARAMETERS`,
    /// `UPPER_BOUNDS_PARAMETERS`) and fsrs-rs clamps to in `clip_parameters`. fsrs-rs lowers
    /// the ceiling of w17 and w18 below 2 when there is more than one relearning step, for its
    /// optimiser; as py-fsrs, recall takes the fixed ceiling of 2 for a value typed in.
    /// Outside these ranges the model gives nonsense, e.g. a negative first stability or a
    /// second Good a century away.
    public static let parameterBounds: [(range: ClosedRange<Double>, low: String, high: String)] = [
        (0.001...100, "0.001", "100"), (0.001...100, "0.001", "100"), (0.001...100, "0.001", "100"),
        (0.001...100, "0.001", "100"), (1...10, "1", "10"), (0.001...4, "0.001", "4"), (0.001...4, "0.001", "4"),
        (0.001...0.75, "0.001", "0.75"), (0...4.5, "0", "4.5"), (0...0.8, "0", "0.8"), (0.001...3.5, "0.001", "3.5"),
        (0.001...5, "0.001", "5"), (0.001...0.25, "0.001", "0.25"), (0.001...0.9, "0.001", "0.9"), (0...4, "0", "4"),
        (0...1, "0", "1"), (1...6, "1", "6"), (0...2, "0", "2"), (0...2, "0", "2"), (0...0.8, "0", "0.8"),
        (0.1...0.8, "0.1", "0.8"),
    ]

    /// The check behind `init(parameters:)`, usable on its own for configuration input:
    /// exactly 21 finite numbers, each within `parameterBounds`. Throws the first problem.
    public static func validate(parameters: [Double]) throws(ConfigError) {
        guard parameters.count == parameterCount else {
            throw .parameterCount(got: parameters.count)
        }
        for (i, w) in parameters.enumerated() where !w.isFinite {
            throw .parameterNotFinite(index: i, got: "\(w)")
        }
        for (i, (w, bounds)) in zip(parameters, parameterBounds).enumerated() where !bounds.range.contains(w) {
            throw .parameterOutOfRange(index: i, minimum: bounds.low, maximum: bounds.high, got: "\(w)")
        }
    }

    public static func == (lhs: FSRS, rhs: FSRS) -> Bool { lhs.parameters == rhs.parameters }

    // MARK: - Clamps

    /// Clamps to [0.001, 36500] days; NaN becomes the floor so that it cannot spread.
    @inlinable
    public static func clampStability(_ s: Double) -> Double {
        if !(s >= minimumStability) { return minimumStability }
        return s > maximumStability ? maximumStability : s
    }

    /// Clamps to [1, 10]; NaN becomes 1.
    @inlinable
    public static func clampDifficulty(_ d: Double) -> Double {
        if !(d >= minimumDifficulty) { return minimumDifficulty }
        return d > maximumDifficulty ? maximumDifficulty : d
    }

    /// fsrs-rs clamps an incoming state before using it (spec section 6, "Clamping").
    @inlinable
    public static func clamped(_ state: MemoryState) -> MemoryState {
        MemoryState(stability: clampStability(state.stability), difficulty: clampDifficulty(state.difficulty))
    }

    @inlinable
    static func pick(_ t: (Double, Double, Double, Double), _ rating: Rating) -> Double {
        switch rating {
        case .again: t.0
        case .hard: t.1
        case .good: t.2
        case .easy: t.3
        }
    }

    // MARK: - Formulas

    /// R(t, S) = (1 + F·t/S)^(-w20): probability of recall `elapsedDays` after a review that
    /// left stability `stability` (spec section 2). Days may be fractional here.
    public func retrievability(elapsedDays: Double, stability: Double) -> Double {
        let s = FSRS.clampStability(stability)
        return pow(1 + factor * max(elapsedDays, 0) / s, negDecay)
    }

    /// 1 - R(t, S), computed without cancellation when t ≪ S (spec section 8).
    @inlinable
    func oneMinusRetrievability(elapsedDays t: Double, stability s: Double) -> Double {
        -expm1(negDecay * log1p(factor * t / s))
    }

    /// I(S, r) = S/F · (r^(-1/w20) - 1), unrounded days (spec section 3). At r = 0.9 it is S.
    public func interval(stability: Double, desiredRetention r: Double) -> Double {
        stability * intervalFactor(desiredRetention: r)
    }

    /// I(1, r): the interval is proportional to S, so schedulers compute this once per retention.
    public func intervalFactor(desiredRetention r: Double) -> Double {
        r == 0.9 ? 1 : (pow(r, 1 / negDecay) - 1) / factor
    }

    /// The state after the first review of a card (spec section 4).
    @inlinable
    public func initialState(_ rating: Rating) -> MemoryState {
        MemoryState(stability: FSRS.pick(s0, rating), difficulty: FSRS.pick(d0, rating))
    }

    /// D' from the old D (spec section 5): linear damping, then mean reversion towards the
    /// unclamped D0(4), then the clamp to [1, 10].
    @inlinable
    public func nextDifficulty(_ d: Double, rating: Rating) -> Double {
        let damped = d + FSRS.pick(dStep, rating) * (10 - d)
        return FSRS.clampDifficulty(meanReversionTerm + oneMinusW7 * damped)
    }

    /// Same-day (t = 0) stability, any rating (spec section 6). Hard, Good and Easy never lower S.
    @inlinable
    public func shortTermStability(_ s: Double, rating: Rating) -> Double {
        var inc = FSRS.pick(shortTermBase, rating) * exp(-w19 * log(s))
        if rating != .again && inc < 1 { inc = 1 }
        return FSRS.clampStability(s * inc)
    }

    /// Stability after a successful review at least a day later (spec section 6, "Recall").
    /// `oneMinusR` is 1 - R(t, S); passing it instead of R keeps precision when R ≈ 1.
    @inlinable
    public func recallStability(_ s: Double, difficulty d: Double, oneMinusR: Double, rating: Rating) -> Double {
        let scale: Double
        switch rating {
        case .again, .good: scale = recallScale.1
        case .hard: scale = recallScale.0
        case .easy: scale = recallScale.2
        }
        let growth = scale * (11 - d) * exp(-w9 * log(s)) * expm1(w10 * oneMinusR)
        return FSRS.clampStability(s * (1 + growth))
    }

    /// Stability after a lapse at least a day later, capped at S / e^(w17·w18)
    /// (spec section 6, "Forget").
    @inlinable
    public func forgetStability(_ s: Double, difficulty d: Double, oneMinusR: Double) -> Double {
        let long = w11 * exp(-w12 * log(d)) * (pow(s + 1, w13) - 1) * exp(w14 * oneMinusR)
        let cap = s * forgetCap
        return FSRS.clampStability(long < cap ? long : cap)
    }

    /// The state after one review of a card in `state` (`nil`: the first review, whose elapsed
    /// days are ignored). `elapsedDays` are whole days since the previous review; 0 selects the
    /// same-day formula (spec sections 4–6). The incoming state is clamped first.
    @inlinable
    public func nextState(_ state: MemoryState?, elapsedDays: Int, rating: Rating) -> MemoryState {
        guard let state else { return initialState(rating) }
        let s = FSRS.clampStability(state.stability)
        let d = FSRS.clampDifficulty(state.difficulty)
        return step(s: s, d: d, elapsedDays: elapsedDays, rating: rating)
    }

    /// One review from an already clamped state; the hot path of `memoryState(replaying:)`.
    @inlinable
    func step(s: Double, d: Double, elapsedDays: Int, rating: Rating) -> MemoryState {
        let newS: Double
        if elapsedDays <= 0 {
            newS = shortTermStability(s, rating: rating)
        } else {
            let oneMinusR = oneMinusRetrievability(elapsedDays: Double(elapsedDays), stability: s)
            if rating == .again {
                newS = forgetStability(s, difficulty: d, oneMinusR: oneMinusR)
            } else {
                newS = recallStability(s, difficulty: d, oneMinusR: oneMinusR, rating: rating)
            }
        }
        return MemoryState(stability: newS, difficulty: nextDifficulty(d, rating: rating))
    }

    /// The four candidate states and their unrounded intervals for a review `elapsedDays` after
    /// `state` was reached (`nil`: a new card), like fsrs-rs `next_states`.
    public func nextStates(_ state: MemoryState?, desiredRetention: Double, elapsedDays: Int) -> NextStates {
        let k = intervalFactor(desiredRetention: desiredRetention)
        func item(_ rating: Rating) -> ItemState {
            let m = nextState(state, elapsedDays: elapsedDays, rating: rating)
            return ItemState(memory: m, interval: m.stability * k)
        }
        return NextStates(again: item(.again), hard: item(.hard), good: item(.good), easy: item(.easy))
    }

    /// The memory state after replaying a card's whole history from scratch, like fsrs-rs
    /// `memory_state`; `nil` for an empty history. The first review's elapsed days are ignored.
    public func memoryState(replaying reviews: UnsafeBufferPointer<FSRSReview>) -> MemoryState? {
        guard let first = reviews.first else { return nil }
        var s = FSRS.pick(s0, first.rating)
        var d = FSRS.pick(d0, first.rating)
        var i = 1
        let n = reviews.count
        while i < n {
            let r = reviews[i]
            let next = step(s: s, d: d, elapsedDays: Int(r.elapsedDays), rating: r.rating)
            s = next.stability
            d = next.difficulty
            i += 1
        }
        return MemoryState(stability: s, difficulty: d)
    }

    /// See `memoryState(replaying:)` above.
    public func memoryState(replaying reviews: ArraySlice<FSRSReview>) -> MemoryState? {
        reviews.withUnsafeBufferPointer { memoryState(replaying: $0) }
    }

    /// See `memoryState(replaying:)` above.
    public func memoryState(replaying reviews: [FSRSReview]) -> MemoryState? {
        reviews.withUnsafeBufferPointer { memoryState(replaying: $0) }
    }

    /// The state after every review of the history, like fsrs-rs `historical_memory_states`.
    public func historicalMemoryStates(replaying reviews: [FSRSReview]) -> [MemoryState] {
        var out: [MemoryState] = []
        out.reserveCapacity(reviews.count)
        var state: MemoryState?
        for r in reviews {
            let next = nextState(state, elapsedDays: Int(r.elapsedDays), rating: r.rating)
            out.append(next)
            state = next
        }
        return out
    }

    /// Whole days for an unrounded interval: rounded half away from zero (like Rust's
    /// `f32::round` in fsrs-rs and Anki), at least 1, at most `maximum` (spec section 3).
    public static func wholeDays(_ interval: Double, maximum: Int) -> Int {
        let upper = Double(max(maximum, 1))
        let r = interval.rounded()
        if !(r >= 1) { return 1 }
        return r >= upper ? Int(upper) : Int(r)
    }
}
