import Foundation
import RecallScheduler

/// Everything `recall stats` shows, computed from the review log and the stored card states.
public struct Statistics: Sendable, Equatable {
    /// Cards by where they are. Suspended and buried cards are counted there only, not in their
    /// phase; `young` + `mature` = `review` (mature: interval ≥ 21 days, as Anki).
    public struct Counts: Sendable, Equatable {
        public var new = 0, learning = 0, review = 0, relearning = 0, suspended = 0, buried = 0
        public var young = 0, mature = 0
        public var total: Int { new + learning + review + relearning + suspended + buried }
    }

    /// Review answers (answers to cards in the review phase) in one period: how many passed
    /// (Hard or better) and what FSRS predicted for them (the mean R at the moment of answering,
    /// over the answers whose card had a memory state).
    public struct Retention: Sendable, Equatable {
        public var answers = 0
        public var passed = 0
        public var predictedSum = 0.0
        public var predictedCount = 0
        /// passed / answers; nil without answers.
        public var trueRetention: Double? { answers > 0 ? Double(passed) / Double(answers) : nil }
        /// Mean predicted recall; nil when no answer had a prediction.
        public var predicted: Double? { predictedCount > 0 ? predictedSum / Double(predictedCount) : nil }

        mutating func add(passed: Bool, predicted: Double?) {
            answers += 1
            if passed { self.passed += 1 }
            if let predicted {
                predictedSum += predicted
                predictedCount += 1
            }
        }
    }

    /// Young and mature review answers of one period (by the interval before the answer).
    public struct RetentionRow: Sendable, Equatable {
        public var name: String
        public var young = Retention()
        public var mature = Retention()
    }

    /// One scheduling day of the review log.
    public struct Day: Sendable, Equatable {
        /// Days before today (0 = today).
        public var daysAgo: Int
        public var reviews = 0
        public var milliseconds: Int64 = 0
    }

    public struct HardCard: Sendable, Equatable {
        public var id: Int64
        public var front: String
        public var lapses: Int
        /// Retrievability now; nil without a memory state.
        public var retrievability: Double?
        public var difficulty: Double?
    }

    /// A histogram bucket: [lower, upper) and how many cards fall in it.
    public struct Bucket: Sendable, Equatable {
        public var label: String
        public var count: Int
    }

    public var counts = Counts()
    /// Today, yesterday, the last 7, 30 and 365 days and all time.
    public var retention: [RetentionRow] = []
    /// Per day for the last `days` days, oldest first (young and mature apart).
    public var retentionByDay: [RetentionRow] = []
    /// Reviews and review time per day for the last 365 days, oldest first (index 364 = today).
    public var calendar: [Day] = []
    /// Cards due on each of the next 30 days; index 0 = today, including everything overdue.
    public var forecast: [Int] = []
    /// Answers and time over the last `days` days.
    public var periodDays = 30
    public var periodReviews = 0
    public var periodMilliseconds: Int64 = 0
    /// Distinct cards answered in the period.
    public var periodCards = 0
    /// Again, Hard, Good, Easy answers in the period.
    public var buttons = [0, 0, 0, 0]
    /// The same split as Anki splits them: answers to learning (new, learning and relearning)
    /// cards, to young review cards and to mature ones.
    public var buttonsByKind = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    public var hardest: [HardCard] = []
    public var stability: [Bucket] = []
    public var difficulty: [Bucket] = []
}

/// Scheduling day numbers of many instants at once: day starts precomputed for a span of days
/// and found by binary search, since `DayClock.dayNumber` asks the time zone on every call.
struct DayIndex {
    let first: Int
    let starts: [Millis]
    let clock: DayClock

    init(clock: DayClock, from first: Int, through last: Int) {
        self.clock = clock
        self.first = first
        starts = (first...max(first, last) + 1).map { clock.startOfDay($0) }
    }

    func day(at instant: Millis) -> Int {
        guard let lo = starts.first, let hi = starts.last, instant >= lo, instant < hi else {
            return clock.dayNumber(at: instant)
        }
        // Days are 24 hours but for DST (23 or 25): start from the guess, step to the right one.
        var k = min(Int((instant - lo) / 86_400_000), starts.count - 2)
        while k > 0 && starts[k] > instant { k -= 1 }
        while k + 1 < starts.count - 1 && starts[k + 1] <= instant { k += 1 }
        return first + k
    }
}

extension Store {
    /// The statistics of `deck` and its sub-decks (the whole store with nil) at `now`, with the
    /// history figures over the last `days` days.
    public func statistics(deck: String?, now: Millis, timeZone: TimeZone, days: Int = 30) throws -> Statistics {
        let clock = try dayClock(timeZone: timeZone)
        let today = clock.dayNumber(at: now)
        let days = max(1, min(days, 36_500))
        var stats = Statistics()
        stats.periodDays = days

        var deckFilter = ""
        if let deck {
            let ids = try decks(under: deck).map(\.id)
            guard !ids.isEmpty else { throw StoreError.invalid("deck \"\(deck)\" not found") }
            deckFilter = "deck_id IN (\(ids.map(String.init).joined(separator: ",")))"  // our own integers
        }
        // One FSRS model per distinct parameter set in force, and each deck's index into them.
        var models: [FSRS] = []
        var modelOfDeck: [Int64: Int32] = [:]
        func modelIndex(_ deckID: Int64) throws -> Int32 {
            if let k = modelOfDeck[deckID] { return k }
            let m = try FSRS(parameters: options(forDeckID: deckID).parameters)
            let k = Int32(models.firstIndex(of: m) ?? models.count)
            if Int(k) == models.count { models.append(m) }
            modelOfDeck[deckID] = k
            return k
        }
        // Each card's model, by card id (ids are dense: an array, −1 for cards out of scope).
        let maxCardID = Int(try db.scalarInt("SELECT max(id) FROM cards") ?? 0)
        var modelOfCard = [Int32](repeating: -1, count: max(maxCardID, 0) + 1)

        // Cards: phases, forecast, histograms, hardest.
        stats.forecast = Array(repeating: 0, count: 30)
        let forecastEnd = clock.startOfDay(today + 30)
        let oldest = try db.scalarInt("SELECT min(reviewed_at) FROM review_log").map { clock.dayNumber(at: $0) } ?? today
        let index = DayIndex(clock: clock, from: min(oldest, today - 400) - 1, through: today + 31)
        var stabilityCounts = Array(repeating: 0, count: Self.stabilityEdges.count + 1)
        var difficultyCounts = Array(repeating: 0, count: 9)
        var candidates: [(id: Int64, lapses: Int, r: Double?, d: Double?)] = []
        let cardRows = try db.prepare(
            "SELECT id, deck_id, phase, due, stability, difficulty, lapses, last_review, interval_days, suspended, buried_until FROM cards"
                + (deckFilter.isEmpty ? "" : " WHERE " + deckFilter))
        while try cardRows.step() {
            let model = try modelIndex(cardRows.int64Value(1))
            let cardID = Int(cardRows.int64Value(0))
            if cardID >= 0 && cardID < modelOfCard.count { modelOfCard[cardID] = model }
            let phase = Phase(rawValue: cardRows.textValue(2)) ?? .new
            let due = cardRows.int64(3)
            let stability = cardRows.double(4)
            let difficulty = cardRows.double(5)
            let lapses = cardRows.intValue(6)
            let suspended = cardRows.intValue(9) != 0
            let buried = cardRows.int64(10).map { $0 >= Int64(today) } ?? false
            if suspended {
                stats.counts.suspended += 1
            } else if buried {
                stats.counts.buried += 1
            } else {
                switch phase {
                case .new: stats.counts.new += 1
                case .learning: stats.counts.learning += 1
                case .relearning: stats.counts.relearning += 1
                case .review:
                    stats.counts.review += 1
                    if cardRows.intValue(8) >= 21 { stats.counts.mature += 1 } else { stats.counts.young += 1 }
                }
                if phase != .new, let due, due < forecastEnd {
                    stats.forecast[max(0, index.day(at: due) - today)] += 1
                }
            }
            guard phase != .new else { continue }
            if let s = stability {
                stabilityCounts[Self.stabilityEdges.firstIndex { s < $0 } ?? Self.stabilityEdges.count] += 1
            }
            if let d = difficulty { difficultyCounts[min(max(Int(d - 1), 0), 8)] += 1 }
            var r: Double?
            if let s = stability, let last = cardRows.int64(7) {
                r = models[Int(model)].retrievability(
                    elapsedDays: Double(max(today - index.day(at: last), 0)), stability: s)
            }
            if lapses > 0 || (r ?? 1) < 0.9 { candidates.append((cardRows.int64Value(0), lapses, r, difficulty)) }
        }
        stats.stability = zip(Self.stabilityLabels, stabilityCounts).map { Statistics.Bucket(label: $0, count: $1) }
        stats.difficulty = (0..<9).map { Statistics.Bucket(label: "\($0 + 1)-\($0 + 2)", count: difficultyCounts[$0]) }
        // Hardest: most lapses, then lowest retrievability now.
        candidates.sort { a, b in
            a.lapses != b.lapses ? a.lapses > b.lapses : (a.r ?? 1) != (b.r ?? 1) ? (a.r ?? 1) < (b.r ?? 1) : a.id < b.id
        }
        for c in candidates.prefix(10) {
            let front = try db.row("SELECT n.front FROM cards c JOIN notes n ON n.id = c.note_id WHERE c.id = ?", [.integer(c.id)]) {
                $0.textValue(0)
            } ?? ""
            stats.hardest.append(Statistics.HardCard(id: c.id, front: front, lapses: c.lapses, retrievability: c.r, difficulty: c.d))
        }

        // The review log: calendar, time, buttons, retention.
        stats.calendar = (0..<365).map { Statistics.Day(daysAgo: 364 - $0) }
        let periods: [(String, ClosedRange<Int>)] = [
            ("today", 0...0), ("yesterday", 1...1), ("7 days", 0...6), ("30 days", 0...29), ("365 days", 0...364),
            ("all time", Int.min...Int.max),
        ]
        // Accumulated in flat arrays (young, then mature, per period) and copied out at the end:
        // the loop below runs once per review.
        var young = [Statistics.Retention](repeating: Statistics.Retention(), count: periods.count)
        var mature = young
        let ranges = periods.map(\.1)
        // R(t, S) = (1 + F·t/S)^(−w20) per model, as FSRS.retrievability, without copying models.
        let decays = models.map { $0.parameters[20] }
        let factors = decays.map { pow(0.9, -1 / $0) - 1 }
        stats.retentionByDay = (0..<days).map { Statistics.RetentionRow(name: "\(days - 1 - $0)") }
        var periodCards = Set<Int64>()
        // One scan of the log, no join: a card's deck (and so its model) comes from the pass
        // over the cards above, which is what keeps a million reviews well under half a second.
        // The log is stored in this order (card, time, id), so a review's previous one, whose
        // time the card's memory had aged from, is the row before it when of the same card.
        let reviewRows = try db.prepare(
            "SELECT reviewed_at, rating, duration_ms, prev_phase = 'review', prev_stability, prev_interval_days, "
                + "card_id FROM review_log ORDER BY card_id, reviewed_at, id")
        var previousCard: Int64 = -1
        var previousAt: Millis = 0
        while try reviewRows.step() {
            let cardID = reviewRows.int64Value(6)
            let at = reviewRows.int64Value(0)
            let lastReview: Millis? = cardID == previousCard ? previousAt : nil
            previousCard = cardID
            previousAt = at
            guard cardID >= 0, cardID < modelOfCard.count else { continue }
            let model = modelOfCard[Int(cardID)]
            guard model >= 0 else { continue }  // another deck's card
            let day = index.day(at: at)
            let ago = today - day
            let rating = reviewRows.intValue(1)
            let duration = reviewRows.int64Value(2)
            if ago >= 0 && ago < 365 {
                stats.calendar[364 - ago].reviews += 1
                stats.calendar[364 - ago].milliseconds += duration
            }
            if ago >= 0 && ago < days {
                stats.periodReviews += 1
                stats.periodMilliseconds += duration
                if (1...4).contains(rating) {
                    stats.buttons[rating - 1] += 1
                    let kind = reviewRows.intValue(3) != 1 ? 0 : reviewRows.intValue(5) >= 21 ? 2 : 1
                    stats.buttonsByKind[kind][rating - 1] += 1
                }
                periodCards.insert(cardID)
            }
            guard reviewRows.intValue(3) == 1 else { continue }  // review answers only
            var predicted: Double?
            if let s = reviewRows.double(4), let last = lastReview {
                let elapsed = Double(max(day - index.day(at: last), 0))
                let m = Int(model)
                predicted = pow(1 + factors[m] * elapsed / FSRS.clampStability(s), -decays[m])
            }
            let passed = rating > 1
            let isMature = reviewRows.intValue(5) >= 21
            for k in 0..<ranges.count where ranges[k].contains(ago) {
                if isMature { mature[k].add(passed: passed, predicted: predicted) } else {
                    young[k].add(passed: passed, predicted: predicted)
                }
            }
            if ago >= 0 && ago < days {
                let k = days - 1 - ago
                if isMature { stats.retentionByDay[k].mature.add(passed: passed, predicted: predicted) } else {
                    stats.retentionByDay[k].young.add(passed: passed, predicted: predicted)
                }
            }
        }
        stats.periodCards = periodCards.count
        stats.retention = periods.indices.map {
            Statistics.RetentionRow(name: periods[$0].0, young: young[$0], mature: mature[$0])
        }
        return stats
    }

    /// Stability histogram edges in days: doubling from 1 day to a year and more.
    static let stabilityEdges: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
    static let stabilityLabels = ["<1d", "1-2d", "2-4d", "4-8d", "8-16d", "16-32d", "32-64d", "64-128d", "128-256d", "256-512d", "≥512d"]
}
