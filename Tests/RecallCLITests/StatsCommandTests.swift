import Foundation
import RecallScheduler
import RecallStore
import RecallTerminal
import Testing

/// `recall stats` against a small store whose every figure is worked out by hand below.
///
/// Today is day T (2026-03-31, UTC, days from 04:00); fuzz off, default FSRS parameters.
///   card 1  new
///   card 2  good on T at 10:00 (4 s)                                   → learning
///   card 3  easy on T−10 (2 s) → review 8 days; good on T−2 (6 s)      → review, young answer passed
///   card 4  easy on T−10 (2 s) → review 8 days; again on T−2 (10 s)    → relearning, 1 lapse, young answer failed
///   card 5  new, suspended
///   card 6  new, buried today
///   card 7  easy on T−300 (1 s); good on T−292 (3 s, young, passed); hard on T−1 (5 s, mature, passed)
@Suite struct StatsCommandTests {
    static let today = "2026-03-31T12:00:00Z"
    static let day: Millis = 86_400_000

    struct Store7 {
        let sandbox: RecallSandbox
        var states: [Int64: CardState] = [:]
        /// Interval before card 7's last answer (must be mature: ≥ 21 days).
        var card7Interval = 0
        /// Stability of card 7 before its last answer, and days since its previous review.
        var card7Stability = 0.0
    }

    func makeStore() throws -> Store7 {
        let sandbox = RecallSandbox(now: Self.today)
        try sandbox.ok(["init", "--empty"])
        let store = try Store(path: sandbox.dbPath)
        let zone = TimeZone(identifier: "UTC") ?? .current
        let now = Millis(try #require(ISO8601DateFormatter().date(from: Self.today)).timeIntervalSince1970 * 1000)
        let t0 = now - 2 * 3_600_000  // T 10:00
        var result = Store7(sandbox: sandbox)
        try store.write {
            try store.setOption("fuzz", to: "false", deck: nil, now: t0)
            for i in 1...7 { _ = try store.addNote(deck: "D", kind: .basic, front: "card \(i)", back: "a", ordinals: [1], now: t0 - 400 * Self.day) }
            func answer(_ id: Int64, _ rating: Rating, daysAgo: Millis, minute: Millis = 0, seconds: Int64) throws -> CardState {
                try store.answer(cardID: id, rating: rating, durationMS: seconds * 1000, now: t0 - daysAgo * Self.day + minute * 60_000, timeZone: zone).after
            }
            result.states[2] = try answer(2, .good, daysAgo: 0, seconds: 4)
            _ = try answer(3, .easy, daysAgo: 10, seconds: 2)
            result.states[3] = try answer(3, .good, daysAgo: 2, seconds: 6)
            _ = try answer(4, .easy, daysAgo: 10, minute: 5, seconds: 2)
            result.states[4] = try answer(4, .again, daysAgo: 2, minute: 5, seconds: 10)
            _ = try answer(7, .easy, daysAgo: 300, seconds: 1)
            let before = try answer(7, .good, daysAgo: 292, seconds: 3)
            result.card7Interval = before.intervalDays
            result.card7Stability = before.stability ?? 0
            result.states[7] = try answer(7, .hard, daysAgo: 1, seconds: 5)
            _ = try store.setSuspended([5], true, now: t0)
            let todayNumber = try store.dayClock(timeZone: zone).dayNumber(at: now)
            _ = try store.bury(cardID: 6, untilDay: todayNumber, now: now)
        }
        return result
    }

    func stats(_ s: Store7, _ arguments: [String] = []) throws -> [String: Any] {
        try #require(try s.sandbox.json(["stats", "--json"] + arguments) as? [String: Any])
    }

    @Test func cardsByPhaseWithSuspendedAndBuriedApart() throws {
        let s = try makeStore()
        let cards = try #require(try stats(s)["cards"] as? [String: Int])
        let review3 = try #require(s.states[3]).intervalDays
        let review7 = try #require(s.states[7]).intervalDays
        let mature = (review3 >= 21 ? 1 : 0) + (review7 >= 21 ? 1 : 0)
        #expect(cards == [
            "total": 7, "new": 1, "learning": 1, "review": 2, "relearning": 1, "suspended": 1, "buried": 1,
            "young": 2 - mature, "mature": mature,
        ])
        let text = try s.sandbox.ok(["stats"])
        #expect(text.contains("Cards  7: new 1 · learning 1 · review 2 (young \(2 - mature), mature \(mature)) · relearning 1 · suspended 1 · buried 1"))
    }

    @Test func trueRetentionBesidePredictedRecallYoungAndMatureApart() throws {
        let s = try makeStore()
        #expect(s.card7Interval >= 21, "card 7's last answer is a mature one")
        let rows = try #require(try stats(s)["retention"] as? [[String: Any]])
        #expect(rows.map { $0["period"] as? String } == ["today", "yesterday", "7 days", "30 days", "365 days", "all time"])
        func cell(_ row: Int, _ group: String) throws -> (Int, Int, Double?) {
            let c = try #require(rows[row][group] as? [String: Any])
            return (c["answers"] as? Int ?? -1, c["passed"] as? Int ?? -1, c["predicted_recall"] as? Double)
        }
        let model = try FSRS()
        // Cards 3 and 4 were due after 8 days with S = w3 (Easy's first stability) and answered then.
        let r8 = model.retrievability(elapsedDays: 8, stability: FSRS.defaultParameters[3])
        // Card 7's mature answer: 291 days after the review that left it at card7Stability.
        let r7 = model.retrievability(elapsedDays: 291, stability: s.card7Stability)
        #expect(try cell(0, "young") == (0, 0, nil) && cell(0, "mature") == (0, 0, nil))
        let yesterday = try cell(1, "mature")
        #expect(yesterday.0 == 1 && yesterday.1 == 1 && abs((yesterday.2 ?? 0) - r7) < 1e-12)
        for row in [2, 3] {
            let young = try cell(row, "young")
            #expect(young.0 == 2 && young.1 == 1 && abs((young.2 ?? 0) - r8) < 1e-12)
            #expect(try cell(row, "mature").0 == 1)
        }
        // Card 7's first review answer (T−292, young, passed, after 8 days at S = w3) joins within a year.
        for row in [4, 5] {
            let young = try cell(row, "young")
            #expect(young.0 == 3 && young.1 == 2 && abs((young.2 ?? 0) - r8) < 1e-12)
        }
        let text = try s.sandbox.ok(["stats"])
        #expect(text.contains("7 days    50.0% of 2 · \(String(format: "%.1f%%", r8 * 100))"))
        // Per day: T−2 holds the two young answers.
        let byDay = try #require(try stats(s, ["--days", "7"])["retention_by_day"] as? [[String: Any]])
        #expect(byDay.count == 7)
        let twoDaysAgo = try #require(byDay.first { $0["days_ago"] as? Int == 2 })
        #expect((twoDaysAgo["young"] as? [String: Any])?["answers"] as? Int == 2)
    }

    @Test func aYearOfReviewsPerDayAndTheirTime() throws {
        let s = try makeStore()
        let calendar = try #require(try stats(s)["calendar"] as? [[String: Int]])
        #expect(calendar.count == 365 && calendar.last?["days_ago"] == 0)
        let busy = Dictionary(uniqueKeysWithValues: calendar.filter { $0["reviews"] != 0 }.map { ($0["days_ago"] ?? -1, [$0["reviews"] ?? 0, $0["milliseconds"] ?? 0]) })
        #expect(busy == [0: [1, 4000], 1: [1, 5000], 2: [2, 16_000], 10: [2, 4000], 292: [1, 3000], 300: [1, 1000]])
        let text = try s.sandbox.ok(["stats"])
        #expect(text.contains("Reviews in the last 365 days: 8 on 6 days, 1.3 a day studied"))
        // Seven weekday rows of cells: the busiest day (T−2, 2 reviews, top quartile) is a full block.
        let rows = text.split(separator: "\n").filter { ["Sun ", "Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat "].contains($0.prefix(4)) }
        #expect(rows.count == 7)
        #expect(rows.joined().filter { $0 == "█" }.count == 2, "T−2 and T−10 had 2 reviews each")
        #expect(!text.contains("\u{1B}"), "no colour with NO_COLOR or without a terminal")
    }

    @Test func forecastCountsOverdueCardsToday() throws {
        let s = try makeStore()
        let forecast = try #require(try stats(s)["forecast"] as? [Int])
        #expect(forecast.count == 30)
        var expected = Array(repeating: 0, count: 30)
        expected[0] = 2  // card 2 (a learning step due at 10:10 today) and card 4 (relearning, overdue since T−2)
        for id: Int64 in [3, 7] {
            let state = try #require(s.states[id])
            // Review cards are due at the start of a day: T−2 (or T−1) plus the interval.
            let due = (id == 3 ? -2 : -1) + state.intervalDays
            if due < 30 { expected[max(due, 0)] += 1 }
        }
        #expect(forecast == expected)
        let text = try s.sandbox.ok(["stats"])
        #expect(text.contains("Due in the next 30 days: \(expected.reduce(0, +)) (today 2, tomorrow \(expected[1])"))
    }

    @Test func reviewTimeAndAnswerButtonsOverTheChosenDays() throws {
        let s = try makeStore()
        let month = try stats(s)
        #expect(month["buttons"] as? [String: Int] == ["again": 1, "hard": 1, "good": 2, "easy": 2])
        // Learning: card 2's Good and the two first Easys; young: cards 3 and 4 on T−2; mature: card 7.
        #expect(month["buttons_by_kind"] as? [String: [String: Int]] == [
            "learning": ["again": 0, "hard": 0, "good": 1, "easy": 2],
            "young": ["again": 1, "hard": 0, "good": 1, "easy": 0],
            "mature": ["again": 0, "hard": 1, "good": 0, "easy": 0],
        ])
        #expect(month["review_time"] as? [String: Int] == ["answers": 6, "cards": 4, "milliseconds": 29_000, "days_studied": 4])
        let week = try stats(s, ["--days", "7"])
        #expect(week["buttons"] as? [String: Int] == ["again": 1, "hard": 1, "good": 2, "easy": 0])
        #expect(week["review_time"] as? [String: Int] == ["answers": 4, "cards": 4, "milliseconds": 25_000, "days_studied": 3])
        let text = try s.sandbox.ok(["stats", "--days", "7"])
        #expect(text.contains("Review time in the last 7 days: 0.4 min on 3 days, 0.1 min a day studied"))
        #expect(text.contains("6.2 s an answer, 6.2 s a card (4 answers to 4 cards)"))
        #expect(text.contains("again 1 (25%) · hard 1 (25%) · good 2 (50%) · easy 0 (0%)"))
        #expect(text.contains("  young    again 1 (50%) · hard 0 (0%) · good 1 (50%) · easy 0 (0%)"))
        #expect(text.contains("  mature   again 0 (0%) · hard 1 (100%) · good 0 (0%) · easy 0 (0%)"))
    }

    @Test func hardestCardsLeadWithLapsesAndHistogramsCountEveryStudiedCard() throws {
        let s = try makeStore()
        let json = try stats(s)
        let hardest = try #require(json["hardest"] as? [[String: Any]])
        #expect(hardest.first?["id"] as? Int == 4 && hardest.first?["lapses"] as? Int == 1)
        #expect(hardest.first?["front"] as? String == "card 4")
        let stability = try #require(json["stability"] as? [[String: Any]])
        let difficulty = try #require(json["difficulty"] as? [[String: Any]])
        #expect(stability.compactMap { $0["cards"] as? Int }.reduce(0, +) == 4)
        #expect(difficulty.compactMap { $0["cards"] as? Int }.reduce(0, +) == 4)
        // Card 2: one Good, S = w2 = 2.3065 days: the 2-4 day bucket.
        let two = try #require(s.states[2]?.stability)
        #expect(two == FSRS.defaultParameters[2])
        // Every studied card in its bucket, from the states the answers left.
        let edges: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        var expectedStability = Array(repeating: 0, count: 11)
        var expectedDifficulty = Array(repeating: 0, count: 9)
        for id: Int64 in [2, 3, 4, 7] {
            let state = try #require(s.states[id])
            let s = try #require(state.stability), d = try #require(state.difficulty)
            expectedStability[edges.firstIndex { s < $0 } ?? 10] += 1
            expectedDifficulty[min(Int(d) - 1, 8)] += 1
        }
        #expect(stability.compactMap { $0["cards"] as? Int } == expectedStability)
        #expect(difficulty.compactMap { $0["cards"] as? Int } == expectedDifficulty)
        #expect(stability.compactMap { $0["range"] as? String }.prefix(3) == ["<1d", "1-2d", "2-4d"])
        #expect(expectedStability[2] >= 1, "card 2 (S = 2.3065) is in 2-4 days")
        let text = try s.sandbox.ok(["stats"])
        #expect(text.contains("      4       1"), "card 4 with its lapse in the table")
        #expect(text.contains("Stability (days until recall falls to 90%)") && text.contains("Difficulty (1 easiest, 10 hardest)"))
    }

    @Test func aDeckLimitsEveryFigureAndAnUnknownDeckIsAnError() throws {
        let s = try makeStore()
        let store = try Store(path: s.sandbox.dbPath)
        try store.write { _ = try store.addNote(deck: "Other", kind: .basic, front: "x", back: "y", ordinals: [1], now: 0) }
        #expect((try stats(s)["cards"] as? [String: Int])?["total"] == 8)
        #expect((try stats(s, ["--deck", "D"])["cards"] as? [String: Int])?["total"] == 7)
        let other = try stats(s, ["--deck", "Other"])
        #expect((other["cards"] as? [String: Int])?["new"] == 1)
        #expect((other["calendar"] as? [[String: Int]])?.allSatisfy { $0["reviews"] == 0 } == true)
        #expect(try s.sandbox.fails(["stats", "--deck", "Nope"]).contains("Nope"))
        try s.sandbox.fails(["stats", "--days", "0"], status: 64)
    }

    @Test func colourOnATerminalUnlessNoColor() throws {
        let s = try makeStore()
        var environment = s.sandbox.environment
        environment["NO_COLOR"] = nil
        environment["TERM"] = "xterm-256color"
        let coloured = try PTYProcess(executable: RecallSandbox.binary.path, arguments: ["stats"], environment: environment, size: TerminalSize(rows: 60, columns: 120))
        _ = try coloured.waitForExit()
        #expect(String(decoding: coloured.output, as: UTF8.self).contains("\u{1B}[38;5;"))
        environment["NO_COLOR"] = "1"
        let plain = try PTYProcess(executable: RecallSandbox.binary.path, arguments: ["stats"], environment: environment, size: TerminalSize(rows: 60, columns: 120))
        _ = try plain.waitForExit()
        let text = String(decoding: plain.output, as: UTF8.self)
        #expect(text.contains("Cards  7") && !text.contains("\u{1B}["))
    }
}
