import Foundation

/// The result of answering a card.
public struct AnswerOutcome: Sendable, Equatable {
    /// The card's state after the answer.
    public var state: CardState
    /// True when this answer made the card a leech: its lapses reached the threshold, or another
    /// half threshold after it (Anki). The caller applies `SchedulerOptions.leechAction`.
    public var becameLeech: Bool
    /// For an answer that puts the card on a (re)learning step: the step's delay before fuzz,
    /// which is what Anki's buttons show ("Good 10m" while the card comes back after 10–12½
    /// minutes). Nil otherwise (`Scheduler.shownInterval(of:at:)` shows the state's own).
    public var unfuzzedDelay: Millis?

    public init(state: CardState, becameLeech: Bool, unfuzzedDelay: Millis? = nil) {
        self.state = state
        self.becameLeech = becameLeech
        self.unfuzzedDelay = unfuzzedDelay
    }
}

/// The four possible outcomes of answering a card now, for "Again 1m · Hard 6m · Good 2d · Easy 8d".
public struct AnswerPreview: Sendable, Equatable {
    public var again: AnswerOutcome
    public var hard: AnswerOutcome
    public var good: AnswerOutcome
    public var easy: AnswerOutcome

    public subscript(rating: Rating) -> AnswerOutcome {
        switch rating {
        case .again: again
        case .hard: hard
        case .good: good
        case .easy: easy
        }
    }
}

/// Anki's card life cycle (new → learning → review ⇄ relearning) on top of FSRS-6 or SM-2.
///
/// Pure: `now` and the fuzz seed are always passed in. Learning and relearning cards are due at a
/// moment (`now` + step); review cards are due on a day, stored as the start of that day
/// (`DayClock.startOfDay`). Every answer increments `reps` and sets `lastReview = now`.
///
/// With FSRS the memory state is updated on every answer, learning ones included: the first
/// answer gives the initial state, later ones use the elapsed scheduling days (0 → the same-day
/// formula). With SM-2, `stability` and `difficulty` are left untouched (nil for cards that never
/// saw FSRS) and `ease` holds the ease factor; with FSRS, `ease` is left untouched.
public struct Scheduler: Sendable {
    public let options: SchedulerOptions
    public let clock: DayClock
    /// The FSRS-6 model built from `options.parameters`.
    public let model: FSRS
    /// I(1, desired_retention): review intervals are S times this (spec FSRS6.md section 3).
    private let intervalFactor: Double
    private let learning: LearningSteps
    private let relearning: LearningSteps

    /// Anki's ease-factor limits and deltas (rslib `states/review.rs`), in thousandths: Anki keeps
    /// the ease as a whole number of thousandths (`cards.factor`), so it never drifts the way
    /// 2.5 + 0.15 − 0.2 + 0.15 + 0.15 does in binary floating point.
    static let minimumEase = 1300
    static let easeAgainDelta = -200
    static let easeHardDelta = -150
    static let easeEasyDelta = 150

    /// An ease as Anki stores it: whole thousandths (2.5 → 2500), from a stored value that may
    /// have drifted (an older recall kept 2.7499999999999996).
    static func easeThousandths(_ ease: Double) -> Int {
        let t = (ease * 1000).rounded()
        return t.isFinite ? Int(max(min(t, 1e9), 0)) : 2500
    }

    /// The `CardState.ease` of a whole number of thousandths.
    static func ease(thousandths: Int) -> Double { Double(thousandths) / 1000 }

    /// Validates `options` (a store may hold values written by hand or by an older version).
    public init(options: SchedulerOptions = SchedulerOptions(), clock: DayClock) throws(ConfigError) {
        try options.validate()
        self.options = options
        self.clock = clock
        model = try FSRS(parameters: options.parameters)
        intervalFactor = model.intervalFactor(desiredRetention: options.desiredRetention)
        learning = LearningSteps(seconds: options.learningSteps)
        relearning = LearningSteps(seconds: options.relearningSteps)
    }

    /// Like `init(options:clock:)` with the day rolling over at `options.rolloverHour`.
    public init(options: SchedulerOptions = SchedulerOptions(), timeZone: TimeZone) throws(ConfigError) {
        try self.init(options: options, clock: DayClock(timeZone: timeZone, rolloverHour: options.rolloverHour))
    }

    // MARK: - Public API

    /// Answers `state` with `rating` at `now`. `fuzzSeed` is fixed per card (e.g. a hash of its
    /// id); the fuzz factor also depends on `state.reps`, so a replay gives the same intervals.
    public func answer(_ state: CardState, rating: Rating, at now: Millis, fuzzSeed: UInt64) -> AnswerOutcome {
        let ctx = Context(
            now: now, today: clock.dayNumber(at: now),
            fuzz: options.fuzz ? Fuzz.factor(seed: fuzzSeed, reps: state.reps) : nil)
        var outcome = answer(state, rating: rating, ctx)
        if ctx.fuzz != nil, outcome.state.phase == .learning || outcome.state.phase == .relearning {
            let plain = answer(state, rating: rating, Context(now: now, today: ctx.today, fuzz: nil))
            if let due = plain.state.due, due != outcome.state.due { outcome.unfuzzedDelay = max(due - now, 0) }
        }
        return outcome
    }

    private func answer(_ state: CardState, rating: Rating, _ ctx: Context) -> AnswerOutcome {
        var next = state
        next.reps += 1
        next.lastReview = ctx.now
        let elapsed = elapsedDays(since: state.lastReview, today: ctx.today)
        let becameLeech: Bool
        switch options.algorithm {
        case .fsrs: becameLeech = answerFSRS(state, rating, elapsed, ctx, &next)
        case .sm2: becameLeech = answerSM2(state, rating, elapsed, ctx, &next)
        }
        return AnswerOutcome(state: next, becameLeech: becameLeech)
    }

    /// What each of the four answers would do now.
    public func preview(_ state: CardState, at now: Millis, fuzzSeed: UInt64) -> AnswerPreview {
        AnswerPreview(
            again: answer(state, rating: .again, at: now, fuzzSeed: fuzzSeed),
            hard: answer(state, rating: .hard, at: now, fuzzSeed: fuzzSeed),
            good: answer(state, rating: .good, at: now, fuzzSeed: fuzzSeed),
            easy: answer(state, rating: .easy, at: now, fuzzSeed: fuzzSeed))
    }

    /// The state a card's review log leads to: `answer` folded from `.new`, so the stored state
    /// is exactly a replay of the log (DESIGN.md invariant 1). Reviews must be in time order.
    public func replay(_ reviews: [(at: Millis, rating: Rating)], fuzzSeed: UInt64) -> CardState {
        replay(reviews, from: .new, fuzzSeed: fuzzSeed)
    }

    /// The state `reviews` lead to from `start`: a card's known state at a moment (a checkpoint,
    /// such as an imported Anki card's), with the reviews after that moment.
    public func replay(_ reviews: [(at: Millis, rating: Rating)], from start: CardState, fuzzSeed: UInt64) -> CardState {
        reviews.reduce(start) { state, review in
            answer(state, rating: review.rating, at: review.at, fuzzSeed: fuzzSeed).state
        }
    }

    /// The interval a button shows for the state an answer leads to: the delay until due for
    /// (re)learning cards, the scheduled days for review cards, in milliseconds. Pass it to
    /// `formatInterval(millis:)`.
    public func shownInterval(of outcome: AnswerOutcome, at now: Millis) -> Millis {
        outcome.unfuzzedDelay ?? shownInterval(of: outcome.state, at: now)
    }

    /// See `shownInterval(of:at:)` above; for a state alone, its fuzzed delay.
    public func shownInterval(of state: CardState, at now: Millis) -> Millis {
        switch state.phase {
        case .review: Millis(state.intervalDays) * millisPerDay
        case .learning, .relearning: max((state.due ?? now) - now, 0)
        case .new: 0
        }
    }

    /// Whether the card should be shown at `now`: (re)learning cards from their due moment on,
    /// review cards from the start of their due day; new cards are always available.
    public func isDue(_ state: CardState, at now: Millis) -> Bool {
        guard let due = state.due else { return state.phase == .new }
        switch state.phase {
        case .new: return true
        case .learning, .relearning: return due <= now
        case .review: return clock.dayNumber(at: due) <= clock.dayNumber(at: now)
        }
    }

    /// FSRS retrievability of the card at `now` by whole scheduling days since its last review
    /// (spec section 2); `nil` without a memory state.
    public func retrievability(of state: CardState, at now: Millis) -> Double? {
        guard let s = state.stability else { return nil }
        let days = elapsedDays(since: state.lastReview, today: clock.dayNumber(at: now))
        return model.retrievability(elapsedDays: Double(days), stability: s)
    }

    // MARK: - Shared pieces

    private struct Context {
        let now: Millis
        let today: Int
        /// The fuzz factor in [0, 1), or nil when fuzz is off.
        let fuzz: Double?
    }

    /// Whole scheduling days since `last` (0 if never reviewed; never negative).
    private func elapsedDays(since last: Millis?, today: Int) -> Int {
        guard let last else { return 0 }
        return max(today - clock.dayNumber(at: last), 0)
    }

    /// Fuzzed whole days within [minimum, maximum_interval] (Anki `constrain_passing_interval`).
    private func constrained(_ days: Double, minimum: Int, _ ctx: Context) -> Int {
        let maximum = max(options.maximumInterval, 1)
        return Fuzz.apply(days, factor: ctx.fuzz, minimum: min(max(minimum, 1), maximum), maximum: maximum)
    }

    /// Graduation from (re)learning: the rounded interval, at least a day, then fuzz.
    private func graduating(_ days: Double, minimum: Int = 1, _ ctx: Context) -> Int {
        constrained(max(days.rounded(), 1), minimum: minimum, ctx)
    }

    private func toReview(_ card: inout CardState, days: Int, _ ctx: Context) {
        card.phase = .review
        card.step = 0
        card.intervalDays = days
        card.due = clock.startOfDay(ctx.today + days)
    }

    /// A (re)learning step as Anki schedules it (rslib `answering/learning.rs`): a delay that
    /// reaches the next day rollover or past it makes the card due at the start of a day (the
    /// next one, plus a day for every further 24 hours of delay), so that a 10-minute step taken
    /// at 03:55 is due at 04:00; a shorter delay is due at now + the delay, fuzzed.
    private func toSteps(_ card: inout CardState, _ phase: Phase, step: Int, delaySeconds: Int, _ ctx: Context) {
        card.phase = phase
        card.step = step
        let untilRollover = Int(max(clock.startOfDay(ctx.today + 1) - ctx.now, 0) / 1000)
        if delaySeconds >= untilRollover {
            card.due = clock.startOfDay(ctx.today + (delaySeconds - untilRollover) / 86_400 + 1)
        } else {
            card.due = ctx.now + Millis(Self.fuzzedStep(delaySeconds, factor: ctx.fuzz)) * 1000
        }
        if phase == .learning { card.intervalDays = 0 }
    }

    /// Anki's learning-step fuzz (`learning_ivl_with_fuzz`): up to 25 % more, at most 5 minutes
    /// more, drawn from [secs, secs + ⌊min(secs/4, 300)⌋): 600–749 s for a 10-minute step.
    static func fuzzedStep(_ seconds: Int, factor: Double?) -> Int {
        guard let factor, seconds > 0 else { return seconds }
        let spread = Int(min(Double(seconds) * 0.25, 300).rounded(.down))
        guard spread > 0 else { return seconds }
        return seconds + min(Int((min(max(factor, 0), 1) * Double(spread)).rounded(.down)), spread - 1)
    }

    /// True when lapses reach the threshold and every half threshold (rounded up) after it.
    static func leechThresholdMet(lapses: Int, threshold: Int) -> Bool {
        guard threshold > 0 else { return false }
        let half = max((threshold + 1) / 2, 1)
        return lapses >= threshold && (lapses - threshold) % half == 0
    }

    // MARK: - FSRS

    /// Returns whether the card became a leech.
    private func answerFSRS(
        _ state: CardState, _ rating: Rating, _ elapsed: Int, _ ctx: Context, _ next: inout CardState
    ) -> Bool {
        var prior: MemoryState?
        if state.phase != .new, let s = state.stability, let d = state.difficulty {
            prior = MemoryState(stability: s, difficulty: d)
        }
        func memory(_ r: Rating) -> MemoryState { model.nextState(prior, elapsedDays: elapsed, rating: r) }
        func days(_ r: Rating) -> Double { memory(r).stability * intervalFactor }
        let m = memory(rating)
        next.stability = m.stability
        next.difficulty = m.difficulty

        switch state.phase {
        case .new, .learning, .relearning:
            let phase: Phase = state.phase == .relearning ? .relearning : .learning
            let steps = phase == .learning ? learning : relearning
            let delay: Int?
            var step = steps.index(state.step)
            switch rating {
            case .again: delay = steps.againDelay; step = 0
            case .hard: delay = steps.hardDelay(at: step)
            case .good: delay = steps.goodDelay(at: step); step += 1
            case .easy: delay = nil
            }
            if let delay {
                toSteps(&next, phase, step: step, delaySeconds: delay, ctx)
            } else if rating == .easy {
                // Easy is at least a day longer than Good would have been (Anki learning.rs).
                let good = constrained(days(.good), minimum: 1, ctx)
                toReview(&next, days: graduating(days(.easy), minimum: good + 1, ctx), ctx)
            } else {
                toReview(&next, days: graduating(days(rating), ctx), ctx)
            }
            return false

        case .review:
            if rating == .again {
                next.lapses += 1
                if let delay = relearning.againDelay {
                    toSteps(&next, .relearning, step: 0, delaySeconds: delay, ctx)
                    next.intervalDays = FSRS.wholeDays(days(.again), maximum: options.maximumInterval)
                } else {
                    toReview(&next, days: constrained(days(.again), minimum: 1, ctx), ctx)
                }
                return Self.leechThresholdMet(lapses: next.lapses, threshold: options.leechThreshold)
            }
            // Hard ≤ Good ≤ Easy, each at least a day apart (Anki passing_fsrs_review_intervals).
            let hard = constrained(days(.hard), minimum: 1, ctx)
            var chosen = hard
            if rating != .hard {
                let good = constrained(days(.good), minimum: hard + 1, ctx)
                chosen = rating == .good ? good : constrained(days(.easy), minimum: good + 1, ctx)
            }
            toReview(&next, days: chosen, ctx)
            return false
        }
    }

    // MARK: - SM-2

    /// Anki's SM-2 (v2/v3 scheduler, rslib `states/*.rs`). Returns whether the card became a leech.
    private func answerSM2(
        _ state: CardState, _ rating: Rating, _ elapsed: Int, _ ctx: Context, _ next: inout CardState
    ) -> Bool {
        let ease = Self.easeThousandths(state.ease ?? options.startingEase)
        switch state.phase {
        case .new, .learning:
            var step = learning.index(state.step)
            let delay: Int?
            switch rating {
            case .again: delay = learning.againDelay; step = 0
            case .hard: delay = learning.hardDelay(at: step)
            case .good: delay = learning.goodDelay(at: step); step += 1
            case .easy: delay = nil
            }
            if let delay {
                toSteps(&next, .learning, step: step, delaySeconds: delay, ctx)
            } else {
                let days = rating == .easy ? options.easyInterval : options.graduatingInterval
                next.ease = Self.ease(thousandths: Self.easeThousandths(options.startingEase))
                toReview(&next, days: graduating(Double(days), ctx), ctx)
            }
            return false

        case .relearning:
            let returnDays = max(state.intervalDays, 1)
            switch rating {
            case .again:
                next.intervalDays = lapseInterval(state.intervalDays)
                if let delay = relearning.againDelay {
                    toSteps(&next, .relearning, step: 0, delaySeconds: delay, ctx)
                } else {
                    toReview(&next, days: next.intervalDays, ctx)
                }
            case .hard:
                if let delay = relearning.hardDelay(at: state.step) {
                    toSteps(&next, .relearning, step: relearning.index(state.step), delaySeconds: delay, ctx)
                } else {
                    toReview(&next, days: returnDays, ctx)
                }
            case .good:
                if let delay = relearning.goodDelay(at: state.step) {
                    toSteps(&next, .relearning, step: relearning.index(state.step) + 1, delaySeconds: delay, ctx)
                } else {
                    toReview(&next, days: returnDays, ctx)
                }
            case .easy:
                toReview(&next, days: min(returnDays + 1, max(options.maximumInterval, 1)), ctx)
            }
            return false

        case .review:
            let current = max(state.intervalDays, 1)
            let daysLate = (state.lastReview == nil ? current : elapsed) - current
            switch rating {
            case .again:
                next.lapses += 1
                next.ease = Self.ease(thousandths: max(ease + Self.easeAgainDelta, Self.minimumEase))
                let days = lapseInterval(current)
                if let delay = relearning.againDelay {
                    toSteps(&next, .relearning, step: 0, delaySeconds: delay, ctx)
                    next.intervalDays = days
                } else {
                    toReview(&next, days: days, ctx)
                }
                return Self.leechThresholdMet(lapses: next.lapses, threshold: options.leechThreshold)
            case .hard:
                next.ease = Self.ease(thousandths: max(ease + Self.easeHardDelta, Self.minimumEase))
            case .good:
                next.ease = Self.ease(thousandths: ease)
            case .easy:
                next.ease = Self.ease(thousandths: ease + Self.easeEasyDelta)
            }
            // Anki computes review intervals in 32-bit floats from the ease read back as f32
            // thousandths (rslib `Card::ease_factor`), so x.5 days round as they do there.
            let easeFactor = Float(ease) / 1000
            let (hard, good, easy) =
                daysLate < 0
                ? earlyIntervals(current, elapsed: elapsed, ease: easeFactor, ctx)
                : onTimeIntervals(current, daysLate: daysLate, ease: easeFactor, ctx)
            let chosen = rating == .hard ? hard : rating == .good ? good : easy
            toReview(&next, days: chosen, ctx)
            return false
        }
    }

    /// The interval a lapsed card returns to: the old interval × lapse_multiplier (truncated),
    /// at least minimum_interval and 1 day, at most maximum_interval.
    private func lapseInterval(_ days: Int) -> Int {
        let kept = Int(Double(days) * options.lapseMultiplier)
        return min(max(kept, options.minimumInterval, 1), max(options.maximumInterval, 1))
    }

    /// SM-2 review intervals multiplied by interval_modifier (in f32, as Anki), then fuzzed
    /// within limits. The f32 value converts exactly to Double, so rounding it there is Rust's
    /// `f32::round`.
    private func sm2Constrained(_ days: Float, minimum: Int, fuzz: Bool, _ ctx: Context) -> Int {
        let scaled = Double(days * Float(options.intervalModifier))
        if fuzz { return constrained(scaled, minimum: minimum, ctx) }
        let maximum = max(options.maximumInterval, 1)
        return Fuzz.apply(scaled, factor: nil, minimum: min(max(minimum, 1), maximum), maximum: maximum)
    }

    /// Anki `passing_nonearly_review_intervals`: Hard = ivl × hard_multiplier (and more than ivl
    /// when the multiplier is above 1), Good = (ivl + late/2) × ease, Easy = (ivl + late) × ease ×
    /// easy_bonus, each at least a day longer than the one before; all in f32 as Anki.
    private func onTimeIntervals(_ ivl: Int, daysLate: Int, ease: Float, _ ctx: Context) -> (Int, Int, Int) {
        let current = Float(ivl)
        let late = Float(max(daysLate, 0))
        let hardFactor = Float(options.hardMultiplier)
        let hardMinimum = hardFactor <= 1 ? 0 : ivl + 1
        let hard = sm2Constrained(current * hardFactor, minimum: hardMinimum, fuzz: true, ctx)
        let goodMinimum = hardFactor <= 1 ? ivl + 1 : hard + 1
        let good = sm2Constrained((current + late / 2) * ease, minimum: goodMinimum, fuzz: true, ctx)
        let easy = sm2Constrained(
            (current + late) * ease * Float(options.easyBonus), minimum: good + 1, fuzz: true, ctx)
        return (hard, good, easy)
    }

    /// Anki `passing_early_review_intervals` for a review before its due day: intervals from the
    /// days actually elapsed, never below the scheduled interval for Good, no fuzz, and half the
    /// easy bonus. Unlike Anki, Good and Easy are kept a day above the button before them here
    /// too, so that the buttons are always in order (README, "Early reviews").
    private func earlyIntervals(_ ivl: Int, elapsed: Int, ease: Float, _ ctx: Context) -> (Int, Int, Int) {
        let scheduled = Float(ivl)
        let elapsedDays = Float(elapsed)
        let hardFactor = Float(options.hardMultiplier)
        let hard = sm2Constrained(
            max(elapsedDays * hardFactor, scheduled * (hardFactor / 2)), minimum: 0, fuzz: false, ctx)
        let good = sm2Constrained(max(elapsedDays * ease, scheduled), minimum: hard + 1, fuzz: false, ctx)
        let easyBonus = Float(options.easyBonus)
        let reducedBonus = easyBonus - (easyBonus - 1) / 2
        let easy = sm2Constrained(
            max(elapsedDays * ease, scheduled) * reducedBonus, minimum: good + 1, fuzz: false, ctx)
        return (hard, good, easy)
    }
}
