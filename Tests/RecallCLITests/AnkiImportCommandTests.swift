import Foundation
import Testing

/// `recall import FILE.apkg | FILE.colpkg` through the binary (issue 12).
@Suite struct AnkiImportCommandTests {
    static func package(_ name: String) -> String { RecallSandbox.fixtures.appendingPathComponent("anki/\(name)").path }

    func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }

    /// The study state of the store as `recall list --json` and `recall decks` show it.
    func listing(_ sandbox: RecallSandbox) throws -> String {
        try sandbox.ok(["list", "--json"]) + (try sandbox.ok(["decks"]))
    }

    @Test func anAnkiPackageImportsWithItsHistoryAndTheStorePassesCheck() throws {
        let sandbox = RecallSandbox(now: "2026-01-17T12:00:00Z")
        let summary = try object(try sandbox.json(["import", Self.package("generated/history.apkg"), "--json"]))
        #expect(summary["collection"] as? String == "collection.anki21b")
        #expect(summary["schema"] as? Int == 18)
        #expect(summary["added"] as? Int == 16)
        #expect(summary["reviews_added"] as? Int == 37)
        #expect(summary["revlog_not_answers"] as? Int == 2)
        #expect(summary["media_files"] as? Int == 2)
        #expect(summary["decks_added"] as? [String] == ["Science", "Sprachen", "Sprachen::日本語"])
        #expect(try sandbox.ok(["check"]).contains("all cards match their review logs"))
        let decks = try sandbox.ok(["decks"])
        #expect(decks.contains("Science") && decks.contains("Sprachen::日本語"))
        // Tags come along, hierarchical ones as they are.
        let cards = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        #expect(cards.contains { ($0["tags"] as? [String])?.contains("srs::fsrs") == true })
        #expect(cards.contains { ($0["tags"] as? [String])?.contains("日本語::動物") == true })

        // Again: nothing changes.
        let before = try listing(sandbox)
        let again = try object(try sandbox.json(["import", Self.package("generated/history.apkg"), "--json"]))
        #expect(again["added"] as? Int == 0 && again["updated"] as? Int == 0 && again["unchanged"] as? Int == 16)
        #expect(try listing(sandbox) == before)

        // A newer version of the same deck: updated in place, no review doubled.
        let text = try sandbox.ok(["import", Self.package("generated/history-v2.apkg")],
                                  environment: ["RECALL_NOW": "2026-01-25T12:00:00Z"])
        #expect(text.contains("0 added"))
        #expect(try sandbox.ok(["check"], environment: ["RECALL_NOW": "2026-01-25T12:00:00Z"]).contains("all cards match"))
    }

    @Test(arguments: ["basic.apkg", "reverse.apkg", "cloze.apkg", "nested.apkg", "media.apkg",
                      "generated/history-legacy.apkg", "generated/history.colpkg"])
    func everyKindOfPackageImportsFromTheBinary(name: String) throws {
        let sandbox = RecallSandbox(now: "2026-01-17T12:00:00Z")
        let text = try sandbox.ok(["import", Self.package(name)])
        #expect(text.hasPrefix("imported "))
        #expect(try sandbox.ok(["check"]).contains("all cards match"))
    }

    @Test func aDryRunChangesNothingAndDeckPutsDecksUnderAPrefix() throws {
        let sandbox = RecallSandbox(now: "2026-01-17T12:00:00Z")
        let plan = try object(try sandbox.json(["import", Self.package("nested.apkg"), "--dry-run", "--json"]))
        #expect(plan["dry_run"] as? Bool == true)
        #expect(plan["added"] as? Int == 4)
        #expect(!(try sandbox.ok(["decks"])).contains("Concurrency"))
        try sandbox.ok(["import", Self.package("nested.apkg"), "--deck", "Anki"])
        #expect(try sandbox.ok(["decks"]).contains("Anki::Python::Concurrency"))
    }

    @Test func badPackagesGetOneLineAndLeaveTheStoreAsItWas() throws {
        let sandbox = RecallSandbox(now: "2026-01-17T12:00:00Z")
        try sandbox.ok(["import", Self.package("basic.apkg")])
        let before = try listing(sandbox)
        let notZip = sandbox.path("notes.apkg")
        try Data("plain text".utf8).write(to: URL(fileURLWithPath: notZip))
        #expect(try sandbox.fails(["import", notZip]).contains("not an Anki package"))
        let cut = sandbox.path("cut.apkg")
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.package("generated/history.apkg")))
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: cut))
        #expect(try sandbox.fails(["import", cut]).contains("truncated"))
        #expect(try sandbox.fails(["import", sandbox.path("missing.apkg")]).contains("no such file"))
        #expect(try sandbox.fails(["import", Self.package("basic.apkg"), "--prune"]).contains("not to Anki packages"))
        #expect(try listing(sandbox) == before)
    }

    /// Imported Anki cards keep Anki's state through an export to another store, a sync with an
    /// answer given on the other side, and the trash: `recall check` holds on both stores.
    @Test func importedStatesSurviveExportSyncAndTheTrash() throws {
        let first = RecallSandbox(now: "2026-01-17T12:00:00Z")
        let second = RecallSandbox(now: "2026-01-17T12:00:00Z")
        try first.ok(["import", Self.package("generated/history.apkg")])
        let file = first.path("deck.json")
        try first.ok(["export", "-o", file])
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("\"checkpoint\""))
        try second.ok(["import", file])
        #expect(try second.ok(["check"]).contains("all cards match"))
        func states(_ sandbox: RecallSandbox) throws -> [String: String] {
            let cards = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
            var result: [String: String] = [:]
            for card in cards {
                let state = try JSONSerialization.data(withJSONObject: card["state"] ?? [:], options: [.sortedKeys])
                result[card["id"] as? String ?? ""] = String(decoding: state, as: UTF8.self)
            }
            return result
        }
        #expect(try states(first) == states(second))

        // An answer on the second store, synced back to the first.
        let folder = first.path("sync")
        try first.ok(["sync", folder])
        try second.ok(["sync", folder], environment: ["RECALL_NOW": "2026-01-18T12:00:00Z"])
        let cards = try #require(try second.json(["list", "--json"]) as? [[String: Any]])
        let card = try #require(cards.first { ($0["state"] as? [String: Any])?["phase"] as? String == "review"
            && $0["suspended"] as? Bool == false })
        let id = String(card["short_id"] as? Int ?? 0)
        try second.ok(["answer", id, "good"], environment: ["RECALL_NOW": "2026-01-18T12:00:00Z"])
        try second.ok(["sync", folder], environment: ["RECALL_NOW": "2026-01-18T12:00:00Z"])
        try first.ok(["sync", folder], environment: ["RECALL_NOW": "2026-01-18T12:00:00Z"])
        #expect(try first.ok(["check"], environment: ["RECALL_NOW": "2026-01-18T12:00:00Z"]).contains("all cards match"))
        #expect(try states(first) == states(second))

        // Deleted and restored: the same state, and a re-import finds it again.
        let before = try states(first)
        try first.ok(["rm", id])
        try first.ok(["restore", id])
        #expect(try states(first) == before)
        #expect(try first.ok(["check"]).contains("all cards match"))
        let again = try object(try first.json(["import", Self.package("generated/history.apkg"), "--json"]))
        #expect(again["added"] as? Int == 0)
    }
}

/// Anki -> recall -> Anki package -> recall, through the binary, with the packages Anki itself
/// wrote (Tests/Fixtures/anki/anki-made): every card, review, due date, mark and text survives
/// recall's own Anki export. (`scripts/check-anki-export` checks the export against the real Anki.)
@Suite struct AnkiRoundTripTests {
    /// What a user sees of each card that came from Anki, keyed by its text.
    func cards(_ sandbox: RecallSandbox, deckPrefix: String) throws -> [String: String] {
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        var result: [String: String] = [:]
        for card in list where (card["deck"] as? String)?.hasPrefix(deckPrefix) == true {
            let state = card["state"] as? [String: Any] ?? [:]
            let reviews = (card["reviews"] as? [[String: Any]] ?? []).map { "\($0["at"] ?? "")/\($0["rating"] ?? "")" }
            let key = "\(card["deck"] ?? "") | \(card["front"] ?? "") | \(card["back"] ?? "")"
            result[key] = "\(state["phase"] ?? "") due \(state["due"] ?? "-") reps \(state["reps"] ?? "") lapses \(state["lapses"] ?? "") "
                + "S \(state["stability"] ?? "-") suspended \(card["suspended"] ?? "") tags \(card["tags"] ?? "") reviews \(reviews)"
        }
        return result
    }

    @Test(arguments: ["modern.apkg", "legacy.apkg", "collection.colpkg"])
    func anAnkiMadePackageComesBackWholeThroughRecallsAnkiExport(_ name: String) throws {
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: RecallSandbox.fixtures
            .appendingPathComponent("anki/anki-made/" + (name as NSString).deletingPathExtension + ".expected.json"))) as? [String: Any])
        let counts = try #require(expected["counts"] as? [String: Int])
        let first = RecallSandbox(now: "2026-12-06T12:00:00Z")
        let summary = try #require(try first.json(["import", RecallSandbox.fixtures.appendingPathComponent("anki/anki-made/" + name).path,
                                                   "--json"]) as? [String: Any])
        #expect(summary["added"] as? Int == counts["cards"])
        #expect(try first.ok(["check"]).contains("all cards match their review logs"))
        let deckPrefix = "Ünïcode"
        let original = try cards(first, deckPrefix: deckPrefix)
        #expect(original.count == counts["cards"])

        let package = first.folder.appendingPathComponent("out.apkg").path
        let exported = try first.ok(["export", "--anki", package, "--deck", "Ünïcode Deck 🎴", "--deck", "Ünïcode Deck 🎴::子デッキ"])
        #expect(exported.contains("\(counts["cards"] ?? -1) cards"))

        let second = RecallSandbox(now: "2026-12-06T12:00:00Z")
        _ = try second.ok(["import", package])
        #expect(try second.ok(["check"]).contains("all cards match their review logs"))
        let back = try cards(second, deckPrefix: deckPrefix)
        #expect(back == original)
    }
}
