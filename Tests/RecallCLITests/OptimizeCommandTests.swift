import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

/// `recall optimize`: on the store (fit, report, save, recompute states, keep or move due dates)
/// and on a review-log file.
@Suite struct OptimizeCommandTests {
    static let start: Millis = 1_760_000_000_000  // 2025-10-09
    /// The learner the simulated history comes from: not the defaults, so a fit has something to find.
    static let truth = [0.6, 1.6, 4.5, 14.0, 6.2, 0.6, 2.0, 0.01, 1.4, 0.2, 1.2, 1.8, 0.1, 0.35, 1.7, 0.5, 2.2, 0.5, 0.2, 0.1, 0.3]

    /// A store with `cards` cards in decks "Sim::A", "Sim::B" and "Other", each answered through
    /// `Store.answer` whenever it comes due, recalled with the true model's probability, until
    /// 200 days have passed. Returns the sandbox (RECALL_NOW = the end) and the number of reviews.
    func simulatedStore(cards: Int, days: Int = 200) throws -> (RecallSandbox, Int) {
        let end = Self.start + Millis(days) * 86_400_000
        let sandbox = RecallSandbox(now: ISOTime.format(end))
        try sandbox.ok(["init", "--empty"])
        let store = try Store(path: sandbox.dbPath)
        let zone = TimeZone(identifier: "UTC") ?? .current
        let truth = try FSRS(parameters: Self.truth)
        let clock = DayClock(timeZone: zone)
        var rng = SplitMix64(seed: 15)
        var reviews = 0
        try store.write {
            for i in 0..<cards {
                let deck = ["Sim::A", "Sim::B", "Other"][i % 3]
                let id = try store.addNote(deck: deck, kind: .basic, front: "q\(i)", back: "a", ordinals: [1], now: Self.start)[0]
                var now = Self.start + Millis(i % 60) * 86_400_000 + 36_000_000
                var memory: MemoryState?
                var last: Millis?
                var state = CardState.new
                while now < end {
                    let elapsed = last.map { clock.dayNumber(at: now) - clock.dayNumber(at: $0) } ?? 0
                    let recalled: Bool
                    if let m = memory, elapsed > 0 {
                        recalled = Double(rng.next() >> 11) * 0x1p-53 < truth.retrievability(elapsedDays: Double(elapsed), stability: m.stability)
                    } else {
                        recalled = rng.next() % 10 < 7
                    }
                    let rating: Rating = recalled ? [.hard, .good, .good, .good, .good, .easy][Int(rng.next() % 6)] : .again
                    memory = truth.nextState(memory, elapsedDays: elapsed, rating: rating)
                    state = try store.answer(cardID: id, rating: rating, durationMS: 5000, now: now, timeZone: zone).after
                    reviews += 1
                    last = now
                    guard let due = state.due else { break }
                    now = max(due, now + 60_000) + Millis(rng.next() % 3_600_000)
                }
            }
        }
        return (sandbox, reviews)
    }

    func cardStates(_ sandbox: RecallSandbox) throws -> [Int64: CardState] {
        let store = try Store(path: sandbox.dbPath)
        return Dictionary(uniqueKeysWithValues: try store.cards().map { ($0.id, $0.state) })
    }

    @Test func dryRunReportsBothFitsAndChangesNothing() throws {
        let (sandbox, _) = try simulatedStore(cards: 240)
        let before = try cardStates(sandbox)
        let json = try #require(try sandbox.json(["optimize", "--dry-run", "--json"]) as? [String: Any])
        let current = try #require(json["current"] as? [String: Any])
        let fitted = try #require(json["fitted"] as? [String: Any])
        let currentLoss = try #require(current["log_loss"] as? Double)
        let fittedLoss = try #require(fitted["log_loss"] as? Double)
        #expect(fittedLoss < currentLoss)
        #expect((fitted["rmse_bins"] as? Double ?? 1) < 0.1)
        #expect((json["parameters"] as? [Double])?.count == 21)
        #expect(json["saved"] as? Bool == false)
        #expect(try cardStates(sandbox) == before)
        #expect(try sandbox.ok(["config", "parameters"]).trimmingCharacters(in: .whitespacesAndNewlines)
            == FSRS.defaultParameters.map { String($0) }.joined(separator: ", "))
        let text = try sandbox.ok(["optimize", "--dry-run"])
        #expect(text.contains("in force") && text.contains("fitted") && text.contains("dry run: nothing was saved"))
    }

    @Test func savingRecomputesMemoryStatesKeepsDueDatesAndCheckHolds() throws {
        let (sandbox, _) = try simulatedStore(cards: 240)
        let before = try cardStates(sandbox)
        let json = try #require(try sandbox.json(["optimize", "--json"]) as? [String: Any])
        #expect(json["saved"] as? Bool == true)
        let fitted = try #require(json["parameters"] as? [Double])
        // Saved store-wide, as `recall config` shows them.
        let shown = try sandbox.ok(["config", "parameters"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(shown.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } == fitted)
        let after = try cardStates(sandbox)
        #expect(after.count == before.count)
        var stabilityChanged = 0
        for (id, old) in before {
            let new = try #require(after[id])
            #expect(new.due == old.due && new.intervalDays == old.intervalDays, "card \(id) keeps its due date")
            if new.stability != old.stability { stabilityChanged += 1 }
        }
        #expect(stabilityChanged > before.count / 2)
        #expect(try sandbox.ok(["check"]).contains("all cards match"))
        // The next answer schedules from the new memory state, and the log stays the truth.
        try sandbox.ok(["answer", "1", "good"])
        #expect(try sandbox.ok(["check"]).contains("all cards match"))
        // A changed option reschedules every card from its log, as before.
        try sandbox.ok(["config", "desired_retention", "0.85"])
        #expect(try sandbox.ok(["check"]).contains("all cards match"))
    }

    @Test func rescheduleMovesDueDatesToTheNewIntervals() throws {
        let (sandbox, _) = try simulatedStore(cards: 240)
        let before = try cardStates(sandbox)
        let out = try sandbox.ok(["optimize", "--reschedule"])
        #expect(out.contains("due dates rescheduled"))
        let after = try cardStates(sandbox)
        #expect(before.contains { id, old in after[id]?.due != old.due })
        #expect(try sandbox.ok(["check"]).contains("all cards match"))
    }

    @Test func aDeckFitIsSavedForTheDeckAndItsSubDecksOnly() throws {
        let (sandbox, _) = try simulatedStore(cards: 360)
        let json = try #require(try sandbox.json(["optimize", "--deck", "Sim", "--json"]) as? [String: Any])
        #expect(json["decks"] as? [String] == ["Sim::A", "Sim::B"])
        let fitted = try #require(json["parameters"] as? [Double]).map { String($0) }.joined(separator: ", ")
        #expect(try sandbox.ok(["config", "--deck", "Sim::A", "parameters"]).contains(fitted))
        #expect(try sandbox.ok(["config", "--deck", "Sim::B", "parameters"]).contains(fitted))
        #expect(!(try sandbox.ok(["config", "--deck", "Other", "parameters"]).contains(fitted)))
        #expect(!(try sandbox.ok(["config", "parameters"]).contains(fitted)))
        #expect(try sandbox.ok(["check"]).contains("all cards match"))
        // The parameters in force are now the fit's: the same history scores the same.
        let again = try #require(try sandbox.json(["optimize", "--deck", "Sim", "--dry-run", "--json"]) as? [String: Any])
        let fittedLoss = try #require(json["log_loss"] as? Double)
        #expect(((again["current"] as? [String: Any])?["log_loss"] as? Double).map { abs($0 - fittedLoss) < 1e-12 } == true)
        // A store-wide fit leaves decks with parameters of their own alone, and says so.
        let wide = try #require(try sandbox.json(["optimize", "--json"]) as? [String: Any])
        #expect(wide["decks_keeping_own_parameters"] as? [String] == ["Sim::A", "Sim::B"])
        #expect(try sandbox.ok(["config", "--deck", "Sim::A", "parameters"]).contains(fitted))
        #expect(try sandbox.fails(["optimize", "--deck", "Nope"]).contains("deck \"Nope\" not found"))
    }

    @Test func tooLittleHistorySaysHowMuchItNeedsAndChangesNothing() throws {
        let (sandbox, _) = try simulatedStore(cards: 12, days: 40)
        let before = try cardStates(sandbox)
        let error = try sandbox.fails(["optimize"])
        #expect(error.contains("too little history") && error.contains("at least 400"))
        #expect(try cardStates(sandbox) == before)
    }

    @Test func aReviewLogFileIsFittedWithoutAStore() throws {
        let sandbox = RecallSandbox()
        let log = RecallSandbox.fixtures.appendingPathComponent("optimizer/steady.csv.gz").path
        let json = try #require(try sandbox.json(["optimize", "--revlog", log, "--json"]) as? [String: Any])
        #expect((json["parameters"] as? [Double])?.count == 21)
        #expect(json["reviews"] as? Int == 6952)
        for key in ["log_loss", "rmse_bins", "seconds"] { #expect(json[key] is Double, "\(key)") }
        #expect(!FileManager.default.fileExists(atPath: sandbox.dbPath), "no store was created")
    }

    @Test func aBadReviewLogIsNamedByFileAndLine() throws {
        let sandbox = RecallSandbox()
        let path = sandbox.path("log.csv")
        try "card_id,review_day,rating\n1,0,3\n1,5,7\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["optimize", "--revlog", path]) == "recall: error: \(path):3: rating 7 is not 1, 2, 3 or 4")
        #expect(try sandbox.fails(["optimize", "--revlog", sandbox.path("missing.csv")]).contains("missing.csv: cannot read"))
        try Data([0x1F, 0x8B, 8, 0, 1, 2, 3]).write(to: URL(fileURLWithPath: sandbox.path("bad.gz")))
        #expect(try sandbox.fails(["optimize", "--revlog", sandbox.path("bad.gz")]).contains("bad.gz: "))
        try sandbox.fails(["optimize", "--revlog", path, "--deck", "x"], status: 64)
        let small = sandbox.path("small.csv")
        try "card_id,review_day,rating\n1,0,3\n1,5,3\n".write(toFile: small, atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["optimize", "--revlog", small]).contains("at least 400"))
    }
}
