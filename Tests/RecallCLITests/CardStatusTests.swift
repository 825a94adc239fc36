import Foundation
import Testing

/// `show` and `list` say what keeps a card out of review or marks it: suspended, buried, flagged.
@Suite struct CardStatusTests {
    /// Card 1 flagged and buried from the line-by-line review, card 2 suspended, card 3 untouched.
    func sandbox() throws -> RecallSandbox {
        let sandbox = try RecallSandbox.withNumberedCards(3)
        let review = try sandbox.run(["review"], stdin: "f\nb\nq\n")
        #expect(review.status == 0, "\(review.stderr)")
        try sandbox.ok(["suspend", "2"])
        return sandbox
    }

    @Test func showSaysWhetherACardIsSuspendedBuriedOrFlagged() throws {
        let sandbox = try sandbox()
        #expect(try sandbox.ok(["show", "1"]).hasPrefix("card 1 · deck D · basic #1 · buried · flagged\n"))
        #expect(try sandbox.ok(["show", "2"]).hasPrefix("card 2 · deck D · basic #1 · suspended\n"))
        #expect(try sandbox.ok(["show", "3"]).hasPrefix("card 3 · deck D · basic #1\n"))
        let buried = try sandbox.cardJSON(1)
        #expect(buried["buried"] as? Bool == true)
        #expect(buried["flag"] as? Int == 1)
        #expect(buried["suspended"] as? Bool == false)
        let suspended = try sandbox.cardJSON(2)
        #expect(suspended["buried"] as? Bool == false)
        #expect(suspended["suspended"] as? Bool == true)
        let tomorrow = try sandbox.run(["show", "1"], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(tomorrow.stdout.hasPrefix("card 1 · deck D · basic #1 · flagged\n"))
    }

    @Test func listMarksBuriedSuspendedAndFlaggedCards() throws {
        let sandbox = try sandbox()
        let lines = try sandbox.ok(["list"]).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("question 1 (buried, flagged)"))
        #expect(lines[1].hasSuffix("question 2 (suspended)"))
        #expect(lines[2].hasSuffix("question 3"))
        let cards = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        #expect(cards.map { $0["buried"] as? Bool } == [true, false, false])
    }
}
