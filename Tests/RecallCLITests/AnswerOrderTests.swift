import Foundation
@testable import RecallStore
import Testing

/// An answer never lands before the card's last review, so the stored state stays the replay of
/// the log (DESIGN.md invariant 1), and a suspended card cannot be answered.
@Suite struct AnswerOrderTests {
    func sandbox(cards count: Int) throws -> RecallSandbox {
        let sandbox = RecallSandbox(now: "2026-11-25T12:00:00Z")
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["config", "fuzz", "false"])
        for index in 0..<count { try sandbox.ok(["add", "--deck", "D", "--front", "question \(index)", "--back", "answer \(index)"]) }
        return sandbox
    }

    func reviews(_ sandbox: RecallSandbox, card: Int) throws -> [[String: Any]] {
        let card = try #require(try sandbox.json(["show", String(card), "--json"]) as? [String: Any])
        return try #require(card["reviews"] as? [[String: Any]])
    }

    @Test func anAnswerWithAClockBeforeTheLastReviewIsLoggedJustAfterItAndCheckStillPasses() throws {
        let sandbox = try sandbox(cards: 1)
        try sandbox.ok(["answer", "1", "good"])
        let early = try sandbox.run(["answer", "1", "again"], environment: ["RECALL_NOW": "2026-11-20T12:00:00Z"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(early.stderr.hasPrefix("recall: warning: card 1 was last reviewed after now"))
        #expect(early.stderr.contains("2026-11-25T12:00:00.001Z"))
        #expect(try sandbox.ok(["check"]) == "all cards match their review logs\n")
        let log = try reviews(sandbox, card: 1)
        #expect(log.map { $0["at"] as? String } == ["2026-11-25T12:00:00.000Z", "2026-11-25T12:00:00.001Z"])
        #expect(log.map { $0["rating"] as? Int } == [3, 1])
    }

    @Test func checkPrintsTimesAsISO8601RatherThanEpochMilliseconds() throws {
        let sandbox = try sandbox(cards: 1)
        try sandbox.ok(["answer", "1", "good"])
        do {
            let store = try Store(path: sandbox.dbPath)
            try store.db.run("UPDATE cards SET due = due + 5000 WHERE id = 1")
        }
        let result = try sandbox.run(["check"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("stored learning reps 1 lapses 0 due 2026-11-25T12:10:05.000Z"), "\(result.stdout)")
        #expect(result.stdout.contains("log replays to learning reps 1 lapses 0 due 2026-11-25T12:10:00.000Z"))
        #expect(result.stdout.range(of: "due [0-9]{5,}", options: .regularExpression) == nil)
    }

    @Test func answeringASuspendedCardIsRefusedAndChangesNothing() throws {
        let sandbox = try sandbox(cards: 1)
        try sandbox.ok(["suspend", "1"])
        #expect(try sandbox.fails(["answer", "1", "good"])
            == "recall: error: card 1 is suspended, so it cannot be answered; `recall unsuspend 1` brings it back")
        #expect(try reviews(sandbox, card: 1).isEmpty)
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect((card["state"] as? [String: Any])?["phase"] as? String == "new")
        try sandbox.ok(["unsuspend", "1"])
        try sandbox.ok(["answer", "1", "good"])
        #expect(try reviews(sandbox, card: 1).count == 1)
    }
}
