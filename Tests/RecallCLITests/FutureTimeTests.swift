import Foundation
import Testing

/// Issue 14 item 5 (DESIGN.md invariant 4): a time from the future does not win. A deck file
/// whose times lie years ahead (tombstones dated 9999, an edit "made" in 9999) deletes nothing
/// and overwrites nothing; recall says which file and why, on one line.
@Suite struct FutureTimeTests {
    /// A store with two cards, and `hostile.json`: its own export with every card's text
    /// changed and stamped 9999, and a tombstone dated 9999 for every card.
    func scene() throws -> RecallSandbox {
        let sandbox = RecallSandbox(now: "2026-11-25T12:00:00Z")
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "D", "--front", "question 1", "--back", "answer 1"])
        try sandbox.ok(["add", "--deck", "D", "--front", "question 2", "--back", "answer 2"])
        try sandbox.ok(["answer", "1", "good"])
        var file = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.ok(["export"]).utf8)) as? [String: Any])
        var decks = try #require(file["decks"] as? [[String: Any]])
        var tombstones: [[String: Any]] = []
        for d in decks.indices {
            var cards = try #require(decks[d]["cards"] as? [[String: Any]])
            for c in cards.indices {
                cards[c]["front"] = "overwritten from the future"
                cards[c]["modified"] = "9999-12-31T00:00:00.000Z"
                tombstones.append(["id": cards[c]["id"] ?? "", "kind": "card", "deleted": "9999-12-31T00:00:00.000Z"])
            }
            decks[d]["cards"] = cards
        }
        file["decks"] = decks
        file["tombstones"] = tombstones
        try JSONSerialization.data(withJSONObject: file).write(to: URL(fileURLWithPath: sandbox.path("hostile.json")))
        return sandbox
    }

    @Test func importOfAFileFromTheFutureDeletesAndOverwritesNothing() throws {
        let sandbox = try scene()
        let result = try sandbox.run(["import", sandbox.path("hostile.json")])
        #expect(result.status == 0)
        #expect(result.stderr == "recall: warning: \(sandbox.path("hostile.json")): 4 times are more than a day ahead of this "
            + "machine's clock (latest 9999-12-31T00:00:00.000Z); taken as unknown, so they win no merge: "
            + "check the clock of the machine that wrote it\n")
        let list = try sandbox.ok(["list"])
        #expect(list.contains("question 1") && list.contains("question 2"))
        #expect(!list.contains("overwritten"))
        // An edit made now still wins over the file: the future stamp does not linger.
        try sandbox.ok(["edit", "1", "--front", "edited now"], environment: ["RECALL_NOW": "2026-11-25T12:05:00Z"])
        _ = try sandbox.run(["import", sandbox.path("hostile.json")])
        #expect(try sandbox.ok(["list"]).contains("edited now"))
    }

    @Test func syncWithAPeerFileFromTheFutureNamesItAndKeepsEveryCard() throws {
        let sandbox = try scene()
        let folder = sandbox.path("shared")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sandbox.path("hostile.json"), toPath: folder + "/peer.json")
        let result = try sandbox.run(["sync", folder])
        #expect(result.status == 0)
        #expect(result.stderr.hasPrefix("recall: warning: peer.json: 4 times are more than a day ahead of this machine's clock"))
        let list = try sandbox.ok(["list"])
        #expect(list.contains("question 1") && list.contains("question 2"))
        #expect(!list.contains("overwritten"))
    }
}
