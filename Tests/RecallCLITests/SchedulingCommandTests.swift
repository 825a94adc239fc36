import Foundation
import RecallModel
import RecallScheduler
@testable import RecallStore
import Testing

/// Issue 5: next / answer / undo / check / config through the built binary, with time travel.
@Suite struct SchedulingCommandTests {
    /// A store with fuzz off, so intervals are exact, and `count` new cards in deck "D".
    func sandbox(cards count: Int, now: String = "2026-11-25T12:00:00Z", tz: String = "UTC") throws -> RecallSandbox {
        let sandbox = RecallSandbox(now: now)
        sandbox.environment["TZ"] = tz
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["config", "fuzz", "false"])
        for index in 0..<count { try sandbox.ok(["add", "--deck", "D", "--front", "question \(index)", "--back", "answer \(index)"]) }
        return sandbox
    }

    func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }

    @Test func nextShowsTheCardTheIntervalsOfEachAnswerAndWhatRemains() throws {
        let sandbox = try sandbox(cards: 2)
        let out = try sandbox.ok(["next"])
        #expect(out.contains("card 1 · D · 2 new · 0 learning · 0 review left today"))
        #expect(out.contains("question 0"))
        #expect(out.contains("Again 1m · Hard 6m · Good 10m · Easy 8d"))
        let json = try object(try sandbox.json(["next", "--json"]))
        #expect(try object(json["card"])["short_id"] as? Int == 1)
        let intervals = try object(json["intervals"])
        #expect(try object(intervals["good"])["interval"] as? String == "10m")
        #expect(try object(intervals["easy"])["interval_ms"] as? Int == 8 * 86_400_000)
        #expect(try object(json["remaining"])["new"] as? Int == 2)
    }

    @Test func nothingDueSaysWhenTheNextCardIsDue() throws {
        let sandbox = try sandbox(cards: 1)
        try sandbox.ok(["answer", "1", "easy"])
        let out = try sandbox.ok(["next"])
        #expect(out == "nothing due now; the next card is due 2026-12-03 04:00\n")
        let json = try object(try sandbox.json(["next", "--json"]))
        #expect(json["card"] is NSNull)
        #expect(json["next_due"] as? String == "2026-12-03T04:00:00.000Z")
        let empty = RecallSandbox()
        try empty.ok(["init", "--empty"])
        #expect(try empty.ok(["next"]) == "nothing to study: no cards are due\n")
    }

    @Test(arguments: [("again", "1m"), ("1", "1m"), ("hard", "6m"), ("2", "6m"), ("good", "10m"), ("3", "10m"), ("easy", "8d"), ("4", "8d")])
    func answerAcceptsNamesAndNumbersAndPrintsTheNewDue(rating: String, interval: String) throws {
        let sandbox = try sandbox(cards: 1)
        let out = try sandbox.ok(["answer", "1", rating, "--duration", "4200"])
        #expect(out.contains("(in \(interval))"))
        let card = try object(try sandbox.json(["show", "1", "--json"]))
        let reviews = try #require(card["reviews"] as? [[String: Any]])
        #expect(reviews.count == 1)
        #expect(reviews.first?["duration_ms"] as? Int == 4200)
        #expect(reviews.first?["at"] as? String == "2026-11-25T12:00:00.000Z")
        #expect((reviews.first?["id"] as? String)?.count == 36)
    }

    @Test func badAnswersAreRefused() throws {
        let sandbox = try sandbox(cards: 1)
        let usage = try sandbox.run(["answer", "1", "7"])
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("rating must be again, hard, good, easy or 1-4, got '7'"))
        #expect(try sandbox.fails(["answer", "9", "good"]) == "recall: error: card 9 not found")
        #expect(try sandbox.json(["show", "1", "--json"]) is [String: Any])
    }

    @Test func learningStepsThenGraduationFollowTheClock() throws {
        let sandbox = try sandbox(cards: 1)
        #expect(try sandbox.ok(["answer", "1", "good"]).contains("(in 10m)"))
        // Not due yet one minute later; the learning card is shown ahead only when nothing else is left.
        let later = ["RECALL_NOW": "2026-11-25T12:11:00Z"]
        #expect(try sandbox.ok(["answer", "1", "good"], environment: later).contains("due 2026-11-28 04:00 (in 3d)") == false)
        let card = try object(try sandbox.json(["show", "1", "--json"]))
        #expect(try object(card["state"])["phase"] as? String == "review")
    }

    @Test func theDayRollsOverAtFourInTheLocalTimeZone() throws {
        // New York is UTC-5 in December. Easy on a new card gives 8 days (no fuzz).
        let sandbox = try sandbox(cards: 1, now: "2026-12-01T10:00:00", tz: "America/New_York")
        try sandbox.ok(["answer", "1", "easy"])
        let before = try sandbox.ok(["list", "--due"], environment: ["RECALL_NOW": "2026-12-09T03:59:00"])
        #expect(before == "")
        let after = try sandbox.ok(["list", "--due"], environment: ["RECALL_NOW": "2026-12-09T04:00:00"])
        #expect(after.contains("question 0"))
        // 03:59 the next morning is still the previous day for the queue.
        let json = try object(try sandbox.json(["next", "--json"]))
        #expect(json["next_due"] as? String == "2026-12-09T09:00:00.000Z")
    }

    @Test func dailyNewLimitCountsWhatWasStudiedToday() throws {
        let sandbox = try sandbox(cards: 5)
        try sandbox.ok(["config", "--deck", "D", "new_per_day", "2"])
        let first = try object(try sandbox.json(["next", "--json"]))
        #expect(try object(first["remaining"])["new"] as? Int == 2)
        try sandbox.ok(["answer", "1", "easy"])
        try sandbox.ok(["answer", "2", "easy"])
        let done = try object(try sandbox.json(["next", "--json"]))
        #expect(done["card"] is NSNull)
        #expect(try object(done["remaining"])["new"] as? Int == 0)
        let tomorrow = try object(try sandbox.json(["next", "--json"]).self)
        _ = tomorrow
        let nextDay = try sandbox.ok(["next"], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(nextDay.contains("2 new · 0 learning · 0 review left today"))
    }

    @Test func siblingsAreBuriedUntilTheNextDay() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "Spanish", "--front", "perro", "--back", "dog", "--reversed"])
        try sandbox.ok(["answer", "1", "easy"])
        let today = try object(try sandbox.json(["next", "--json"]))
        #expect(today["card"] is NSNull)
        let nextDay = try object(try sandbox.json(["next", "--json"]).self)
        _ = nextDay
        let tomorrow = try sandbox.ok(["next"], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(tomorrow.contains("card 2"))
        #expect(tomorrow.contains("dog"))
        // Undo unburies the sibling as well.
        try sandbox.ok(["undo"])
        #expect(try sandbox.ok(["next"]).contains("card 1"))
    }

    @Test func undoRestoresExactlyAndRepeatsManyTimes() throws {
        let sandbox = try sandbox(cards: 3)
        let original = try sandbox.ok(["list", "--json"])
        let ratings = ["good", "again", "easy", "hard"]
        for step in 0..<36 {
            let minute = String(format: "%02d", step)
            try sandbox.ok(["answer", String(step % 3 + 1), ratings[step % 4]], environment: ["RECALL_NOW": "2026-11-25T13:\(minute):00Z"])
        }
        for _ in 0..<36 { try sandbox.ok(["undo"]) }
        #expect(try sandbox.ok(["list", "--json"]) == original)
        #expect(try sandbox.fails(["undo"]) == "recall: error: nothing to undo")
    }

    @Test func undoTakesBackTheLastAnswerOnly() throws {
        let sandbox = try sandbox(cards: 2)
        try sandbox.ok(["answer", "1", "good"])
        let afterFirst = try sandbox.ok(["show", "1", "--json"])
        try sandbox.ok(["answer", "2", "again"])
        #expect(try sandbox.ok(["undo"]) == "undid again on card 2\n")
        #expect(try sandbox.ok(["show", "1", "--json"]) == afterFirst)
        let second = try object(try sandbox.json(["show", "2", "--json"]))
        #expect(try object(second["state"])["phase"] as? String == "new")
        #expect((second["reviews"] as? [Any])?.isEmpty == true)
    }

    @Test func leechesAreTaggedOrSuspended() throws {
        let sandbox = try sandbox(cards: 2)
        try sandbox.ok(["config", "leech_threshold", "2"])
        try sandbox.ok(["config", "relearning_steps", "none"])
        for card in ["1", "2"] {
            try sandbox.ok(["answer", card, "easy"])
        }
        try sandbox.ok(["config", "--deck", "D", "leech_action", "suspend"])
        _ = try sandbox.ok(["answer", "1", "again"], environment: ["RECALL_NOW": "2026-12-05T12:00:00Z"])
        let out = try sandbox.ok(["answer", "1", "again"], environment: ["RECALL_NOW": "2026-12-08T12:00:00Z"])
        #expect(out.contains("it is now a leech and was suspended"))
        let card = try object(try sandbox.json(["show", "1", "--json"]))
        #expect(card["suspended"] as? Bool == true)
        #expect((card["tags"] as? [String])?.contains("leech") == true)
        try sandbox.ok(["undo"])
        let restored = try object(try sandbox.json(["show", "1", "--json"]))
        #expect(restored["suspended"] as? Bool == false)
        #expect((restored["tags"] as? [String]) == [])
    }

    @Test func configShowsSetsAndValidates() throws {
        let sandbox = try sandbox(cards: 1)
        #expect(try sandbox.ok(["config", "desired_retention"]) == "0.9\n")
        #expect(try sandbox.ok(["config", "--deck", "D", "desired_retention", "0.85"]) == "desired_retention = 0.85 for deck \"D\"\n")
        #expect(try sandbox.ok(["config", "--deck", "D", "desired_retention"]) == "0.85\n")
        #expect(try sandbox.ok(["config", "desired_retention"]) == "0.9\n")
        #expect(try sandbox.fails(["config", "desired_retention", "1.5"]) == "recall: error: desired_retention must be between 0.70 and 0.99, got 1.5")
        #expect(try sandbox.fails(["config", "learning_steps", "1m ten"]) == "recall: error: learning_steps: 'ten' is not a step like 30s, 10m, 1h or 1d")
        #expect(try sandbox.fails(["config", "parameters", "1 2 3"]) == "recall: error: parameters must be 21 numbers, got 3")
        #expect(try sandbox.fails(["config", "colour", "blue"]) == "recall: error: unknown config key 'colour'")
        #expect(try sandbox.ok(["config", "learning_steps", "1m 10m 1h"]) == "learning_steps = 1m 10m 1h\n")
        #expect(try sandbox.ok(["config", "--deck", "D", "--unset", "desired_retention"]) == "desired_retention = 0.9 for deck \"D\"\n")
        #expect(try sandbox.fails(["config", "--deck", "D", "rollover_hour", "5"]) == "recall: error: rollover_hour applies to the whole store; set it without --deck")
        #expect(try sandbox.ok(["config"]).contains("desired_retention"))
    }

    @Test func configListingAlignsItsColumnsAndSaysWhatWasChanged() throws {
        let sandbox = try sandbox(cards: 1)
        try sandbox.ok(["config", "new_per_day", "30"])
        try sandbox.ok(["config", "--deck", "D", "fuzz", "false"])
        let lines = try sandbox.ok(["config", "--deck", "D"]).split(separator: "\n").map(String.init)
        func line(_ key: String) -> String { lines.first { $0.hasPrefix(key + " ") } ?? "" }
        #expect(line("new_per_day").contains("30") && line("new_per_day").contains("# [store] "))
        #expect(line("fuzz").contains("false") && line("fuzz").contains("# [this deck] "))
        #expect(!line("desired_retention").contains("["))
        // Every short value's comment starts in the same column.
        let columns = Set(lines.filter { !$0.hasPrefix("parameters") }.compactMap { $0.firstRange(of: "  # ")?.lowerBound.utf16Offset(in: $0) })
        #expect(columns.count == 1)
        #expect(!(try sandbox.ok(["config"])).contains("[this deck]"))
    }

    @Test func checkReportsAndFixesCardsThatDifferFromTheirLog() throws {
        let sandbox = try sandbox(cards: 2)
        try sandbox.ok(["answer", "1", "good"])
        try sandbox.ok(["answer", "1", "good"], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(try sandbox.ok(["check"]) == "all cards match their review logs\n")
        do {
            let store = try Store(path: sandbox.dbPath)
            try store.db.run("UPDATE cards SET stability = 99 WHERE id = 1")
        }
        let result = try sandbox.run(["check"])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("card 1: stored review"))
        #expect(result.stderr == "recall: error: 1 card differs from its review log; run `recall check --fix`\n")
        #expect(try sandbox.ok(["check", "--fix"]).hasSuffix("\nfixed 1 card\n"))
        #expect(try sandbox.ok(["check"]) == "all cards match their review logs\n")
    }
}
