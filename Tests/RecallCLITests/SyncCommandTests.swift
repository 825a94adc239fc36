import Foundation
import Testing

/// Issue 7: `recall export` and `recall sync DIR` through the built binary.
@Suite struct SyncCommandTests {
    /// A store with two cards in deck "D" (one answered) and one in "E".
    func sandbox(now: String = "2026-11-25T12:00:00Z") throws -> RecallSandbox {
        let sandbox = RecallSandbox(now: now)
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "D", "--front", "question 1", "--back", "answer 1", "--tag", "t"])
        try sandbox.ok(["add", "--deck", "D", "--front", "question 2", "--back", "answer 2"])
        try sandbox.ok(["add", "--deck", "E", "--front", "question 3", "--back", "answer 3"])
        try sandbox.ok(["answer", "1", "good"])
        return sandbox
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func exportWritesTheDeckFileToStandardOutput() throws {
        let sandbox = try sandbox()
        let text = try sandbox.ok(["export"])
        let file = try object(text)
        #expect(file["format"] as? String == "recall-deck")
        #expect(file["version"] as? Int == 2)
        let decks = try #require(file["decks"] as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String } == ["D", "E"])
        let cards = decks.flatMap { ($0["cards"] as? [[String: Any]]) ?? [] }
        #expect(cards.count == 3)
        #expect(cards.allSatisfy { $0["short_id"] == nil && $0["deck"] == nil && $0["reviews"] != nil })
        #expect(text.hasPrefix("{\n  \"decks\": [\n    {\n      \"cards\": [\n        {\n          \"back\": "))
        // The same store exports the same bytes every time.
        #expect(try sandbox.ok(["export"]) == text)
    }

    @Test func exportToAFileOfOneDeckWithoutHistory() throws {
        let sandbox = try sandbox()
        let out = try sandbox.ok(["export", "--deck", "D", "--no-history", "-o", sandbox.path("d.json")])
        #expect(out == "exported 2 cards in 1 deck to \(sandbox.path("d.json"))\n")
        let text = try String(contentsOfFile: sandbox.path("d.json"), encoding: .utf8)
        let decks = try #require(try object(text)["decks"] as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String } == ["D"])
        #expect(!text.contains("\"reviews\"") && !text.contains("\"state\""))
        let all = try sandbox.ok(["export", "--output", sandbox.path("all.json")])
        #expect(all == "exported 3 cards in 2 decks with 1 review to \(sandbox.path("all.json"))\n")
    }

    @Test func exportOfAnUnknownDeckFailsWithOneLine() throws {
        let sandbox = try sandbox()
        #expect(try sandbox.fails(["export", "--deck", "Nope"]) == "recall: error: deck \"Nope\" not found")
        #expect(try sandbox.fails(["export", "-o", sandbox.path("missing/folder/x.json")])
            .hasPrefix("recall: error: cannot write \(sandbox.path("missing/folder/x.json")): "))
    }

    @Test func twoStoresSyncThroughAFolder() throws {
        let first = try sandbox()
        let folder = first.path("shared")
        #expect(try first.ok(["sync", folder]).hasPrefix("merged 0 files: no changes\nwrote \(folder)/"))
        let second = RecallSandbox(now: "2026-11-26T12:00:00Z")
        try second.ok(["init", "--empty"])
        let out = try second.ok(["sync", folder])
        #expect(out.hasPrefix("merged 1 file: 3 cards added; 1 review added; 2 decks added\nwrote \(folder)/"))
        try second.ok(["answer", "1", "again"])
        try second.ok(["sync", folder])
        #expect(try first.ok(["sync", folder]).hasPrefix("merged 1 file: 1 review added\n"))
        #expect(try first.ok(["sync", folder]) == "up to date: nothing changed here or in \(folder) since the last sync\n")
        #expect(try first.ok(["export"]) == (try second.ok(["export"])))
        #expect(try first.ok(["check"]) == "all cards match their review logs\n")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(files.count == 2 && files.allSatisfy { $0.hasSuffix(".json") })
    }

    /// Issue 13: `recall move` puts cards in another deck, reschedules them with its options,
    /// and the move merges apart from a suspension and an edit made on another store.
    @Test func aMoveOnOneStoreAndASuspensionAndAnEditOnAnotherAllSurvive() throws {
        let first = try sandbox()
        let folder = first.path("shared")
        try first.ok(["config", "--deck", "E", "learning_steps", "30m 1h"])
        try first.ok(["sync", folder])
        let second = RecallSandbox(now: "2026-11-25T12:00:00Z")
        try second.ok(["init", "--empty"])
        try second.ok(["sync", folder])
        let before = try object(try first.ok(["show", "1", "--json"]))
        #expect(try first.ok(["move", "1", "2", "--deck", "E"], environment: ["RECALL_NOW": "2026-11-25T12:10:00Z"])
                == "card 1 moved to E\ncard 2 moved to E\n")
        let moved = try object(try first.ok(["show", "1", "--json"]))
        #expect(moved["deck"] as? String == "E")
        // Its schedule follows deck E's options: the replay of its log under them.
        #expect((moved["state"] as? [String: Any])?["due"] as? String != (before["state"] as? [String: Any])?["due"] as? String)
        #expect(try first.ok(["check"]) == "all cards match their review logs\n")
        #expect(try first.ok(["move", "1", "--deck", "E"]) == "card 1 was already in E\n")
        try second.ok(["suspend", "1"], environment: ["RECALL_NOW": "2026-11-25T12:20:00Z"])
        try second.ok(["edit", "1", "--back", "edited on the second"], environment: ["RECALL_NOW": "2026-11-25T12:05:00Z"])
        for sandbox in [first, second, first, second] { try sandbox.ok(["sync", folder]) }
        for sandbox in [first, second] {
            let card = try object(try sandbox.ok(["show", "1", "--json"]))
            #expect(card["deck"] as? String == "E")
            #expect(card["suspended"] as? Bool == true)
            #expect(card["back"] as? String == "edited on the second")
        }
        #expect(try first.ok(["export"]) == (try second.ok(["export"])))
        let unknown = try first.run(["move", "99", "--deck", "E"])
        #expect(unknown.status != 0 && unknown.stderr.hasPrefix("recall: error:") && unknown.stderr.split(separator: "\n").count == 1)
    }

    /// The QA repro: an edit on one store and a rename on another, synced both ways.
    @Test func aDeckRenamedOnOneStoreKeepsAnEditMadeOnAnother() throws {
        let first = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let second = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let folder = first.path("shared")
        try first.ok(["init", "--empty"])
        try first.ok(["add", "--deck", "D", "--front", "f1", "--back", "b1"])
        try first.ok(["sync", folder])
        try second.ok(["sync", folder])
        try second.ok(["edit", "1", "--back", "EDITED on r2"], environment: ["RECALL_NOW": "2026-11-26T09:00:00Z"])
        try first.ok(["deck", "rename", "D", "E"], environment: ["RECALL_NOW": "2026-11-26T10:00:00Z"])
        let later = ["RECALL_NOW": "2026-11-26T11:00:00Z"]
        for sandbox in [second, first, second] { try sandbox.ok(["sync", folder], environment: later) }
        for sandbox in [first, second] {
            let shown = try sandbox.ok(["show", "1"])
            #expect(shown.contains("deck E"), "\(shown)")
            #expect(shown.contains("EDITED on r2"), "\(shown)")
        }
        #expect(try first.ok(["export"]) == (try second.ok(["export"])))
    }

    @Test func aBadFileInTheFolderIsSkippedWithAWarning() throws {
        let sandbox = try sandbox()
        let folder = sandbox.path("shared")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "{\"decks\": [".write(toFile: folder + "/broken.json", atomically: false, encoding: .utf8)
        let result = try sandbox.run(["sync", folder])
        #expect(result.status == 0)
        #expect(result.stderr == "recall: warning: skipped broken.json: broken.json:1:12: invalid JSON: unexpected end of file inside an array\n")
        #expect(result.stdout.hasPrefix("merged 0 files: no changes\nwrote "))
    }

    /// A path ending in .json is a deck file whatever it holds: a broken one gets the deck
    /// reader's own error (line:column, or why it is not a deck file), never "unsupported file type".
    static let brokenDeckFiles: [(what: String, bytes: [UInt8], error: String)] = [
        ("an empty file", [], "x.json:1:1: invalid JSON: the file is empty"),
        ("an array", Array("[1,2,3]".utf8), "x.json: not a recall deck file: it holds an array, not an object with \"format\": \"recall-deck\""),
        ("an object without format", Array("{\"version\":\"1\"}".utf8), "x.json: not a recall deck file: it has no \"format\": \"recall-deck\" member"),
        ("binary bytes", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00], "x.json:1:1: invalid JSON: unexpected byte 0x89"),
        ("half a deck file", Array("{\"decks\": [".utf8), "x.json:1:12: invalid JSON: unexpected end of file inside an array"),
    ]

    @Test(arguments: brokenDeckFiles.indices)
    func aBrokenJSONFileGetsTheDeckReadersError(index: Int) throws {
        let (what, bytes, error) = Self.brokenDeckFiles[index]
        let sandbox = try sandbox()
        let before = try sandbox.ok(["export"])
        let path = sandbox.path("x.json")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try sandbox.fails(["import", path]) == "recall: error: " + sandbox.path(error), "\(what)")
        #expect(try sandbox.ok(["export"]) == before)
    }

    @Test func aDeckFileWithAByteOrderMarkIsRead() throws {
        let first = try sandbox()
        let text = try first.ok(["export"])
        let second = RecallSandbox()
        try second.ok(["init", "--empty"])
        let path = second.path("bom.json")
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        #expect(try second.ok(["import", path]) == "3 cards added; 1 review added; 2 decks added\n")
        #expect(try second.ok(["export"]) == text)
        // Errors after the mark count columns from the first character after it.
        try Data([0xEF, 0xBB, 0xBF] + Array("{,}".utf8)).write(to: URL(fileURLWithPath: path))
        #expect(try second.fails(["import", path]).hasPrefix("recall: error: \(path):1:2: invalid JSON: "))
    }

    @Test func importingADeckFileWithJSONPrintsTheDocumentedCounts() throws {
        let first = try sandbox()
        let path = first.path("deck.json")
        try first.ok(["export", "-o", path])
        let second = RecallSandbox()
        try second.ok(["init", "--empty"])
        let summary = try object(try second.ok(["import", path, "--json"]))
        #expect(summary["cards_added"] as? Int == 3)
        #expect(summary["cards_updated"] as? Int == 0)
        #expect(summary["cards_deleted"] as? Int == 0)
        #expect(summary["reviews_added"] as? Int == 1)
        #expect(summary["decks_added"] as? Int == 2)
        #expect(summary["decks_updated"] as? Int == 0)
        #expect(summary["decks_deleted"] as? Int == 0)
        #expect(summary["summary"] as? String == "3 cards added; 1 review added; 2 decks added")
        let again = try object(try second.ok(["import", path, "--json"]))
        #expect(again["cards_added"] as? Int == 0)
        #expect(again["summary"] as? String == "no changes")
    }

    static let bank = """
        Q: What does the GIL protect?
        A: Access to Python objects, one thread at a time.

        Q: What is a generator?
        A: A function that yields values lazily.

        C: The {{c1::GIL}} lets {{c2::one}} thread run Python bytecode.
        """

    /// `recall import FILE --json`'s counts: (added, updated, unchanged).
    func importCounts(_ sandbox: RecallSandbox, _ path: String, now: String) throws -> [Int] {
        let summary = try object(try sandbox.ok(["import", path, "--json"], environment: ["RECALL_NOW": now]))
        return ["added", "updated", "unchanged"].map { summary[$0] as? Int ?? -1 }
    }

    /// Issue 7: notes that came through sync carry their source and re-import keys, so importing
    /// the same bank on the receiving store recognises them instead of adding every card twice,
    /// and an edit of the bank imported on one store is recognised on the other.
    @Test func aBankImportedOnOneStoreIsRecognisedOnAnotherAfterSync() throws {
        let a = RecallSandbox()
        try a.ok(["init", "--empty"])
        let folder = a.path("shared")
        let bankA = a.path("banks/bank.md")
        try FileManager.default.createDirectory(atPath: a.path("banks"), withIntermediateDirectories: true)
        try Self.bank.write(toFile: bankA, atomically: true, encoding: .utf8)
        #expect(try importCounts(a, bankA, now: "2026-11-25T12:00:00Z") == [3, 0, 0])
        try a.ok(["answer", "1", "good"])
        try a.ok(["sync", folder])

        let b = RecallSandbox(now: "2026-11-26T12:00:00Z")
        try b.ok(["init", "--empty"])
        try b.ok(["sync", folder])
        let bankB = b.path("elsewhere/bank.md")
        try FileManager.default.createDirectory(atPath: b.path("elsewhere"), withIntermediateDirectories: true)
        try Self.bank.write(toFile: bankB, atomically: true, encoding: .utf8)
        let before = try b.ok(["list", "--json"])
        let received = try #require(try b.json(["list", "--json"]) as? [[String: Any]])
        #expect(received.count == 4 && received.allSatisfy { $0["source"] as? String == "bank.md" && $0["source_line"] is Int })
        #expect(try importCounts(b, bankB, now: "2026-11-26T13:00:00Z") == [0, 0, 3])
        #expect(try b.ok(["list", "--json"]) == before)

        // An edited answer, imported on B: the same card, updated in place with its history.
        let edited = Self.bank.replacingOccurrences(of: "yields values lazily", with: "yields its values one at a time")
        try edited.write(toFile: bankB, atomically: true, encoding: .utf8)
        #expect(try importCounts(b, bankB, now: "2026-11-26T14:00:00Z") == [0, 1, 2])
        let cards = try #require(try b.json(["list", "--json"]) as? [[String: Any]])
        #expect(cards.count == 4)
        let generator = try #require(cards.first { ($0["front"] as? String) == "What is a generator?" })
        #expect(generator["back"] as? String == "A function that yields its values one at a time.")
        let answered = try #require(try b.json(["show", "1", "--json"]) as? [String: Any])
        #expect((answered["reviews"] as? [Any])?.count == 1)
        try b.ok(["sync", folder])

        // Back on A: the edit arrives with its new keys, so the edited bank is unchanged there.
        #expect(try a.ok(["sync", folder], environment: ["RECALL_NOW": "2026-11-27T12:00:00Z"])
            .hasPrefix("merged 1 file: 1 card updated\n"))
        let onA = try #require(try a.json(["list", "--json"]) as? [[String: Any]])
        #expect(onA.first { ($0["front"] as? String) == "What is a generator?" }?["back"] as? String
            == "A function that yields its values one at a time.")
        try edited.write(toFile: bankA, atomically: true, encoding: .utf8)
        #expect(try importCounts(a, bankA, now: "2026-11-27T13:00:00Z") == [0, 0, 3])
        try a.ok(["sync", folder])
        try b.ok(["sync", folder])
        #expect(try a.ok(["export"]) == (try b.ok(["export"])))
    }

    @Test func twoNewStoresWithTheBundledDeckSyncIntoOneDeckWithEveryReview() throws {
        let a = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let b = RecallSandbox(now: "2026-11-26T08:00:00Z")
        let folder = a.path("shared")
        try a.ok(["init"])
        try b.ok(["init"])
        try a.ok(["answer", "1", "good"])
        try b.ok(["answer", "1", "again"])
        let total = try #require(try a.json(["decks", "--json"]) as? [[String: Any]]).first?["total"] as? Int
        for store in [a, b, a, b] { try store.ok(["sync", folder], environment: ["RECALL_NOW": "2026-11-26T09:00:00Z"]) }
        for store in [a, b] {
            let decks = try #require(try store.json(["decks", "--json"]) as? [[String: Any]])
            #expect(decks.count == 1 && decks.first?["total"] as? Int == total)
            // Short ids are each store's own: find the reviewed card by its question.
            let cards = try #require(try store.json(["list", "--json"]) as? [[String: Any]])
            let gil = try #require(cards.first { ($0["front"] as? String ?? "").hasPrefix("Explain the Global Interpreter Lock") })
            let shown = try #require(try store.json(["show", String(gil["short_id"] as? Int ?? 0), "--json"]) as? [String: Any])
            #expect((shown["reviews"] as? [Any])?.count == 2)
            try store.ok(["check"])
        }
        #expect(try a.ok(["export"]) == b.ok(["export"]))
    }

    @Test func theSameBankImportedOnTwoStoresIsOneSetOfCardsAfterSync() throws {
        let a = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let b = RecallSandbox(now: "2026-11-25T13:00:00Z")
        let folder = a.path("shared")
        for store in [a, b] {
            try store.ok(["init", "--empty"])
            try FileManager.default.createDirectory(atPath: store.path("banks"), withIntermediateDirectories: true)
            try Self.bank.write(toFile: store.path("banks/bank.md"), atomically: true, encoding: .utf8)
            try store.ok(["import", store.path("banks/bank.md")])
        }
        for store in [a, b, a, b] { try store.ok(["sync", folder], environment: ["RECALL_NOW": "2026-11-26T09:00:00Z"]) }
        for store in [a, b] {
            #expect(try #require(try store.json(["list", "--json"]) as? [[String: Any]]).count == 4)
            #expect(try store.ok(["import", store.path("banks/bank.md"), "--dry-run"])
                .contains("0 added, 0 updated, 3 unchanged, 0 missing from source"))
        }
        #expect(try a.ok(["export"]) == b.ok(["export"]))
    }

    @Test func theSameBankIsOneSetOfCardsEvenWhenOneStoreRenamedItsDeckFirst() throws {
        let a = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let b = RecallSandbox(now: "2026-11-25T13:00:00Z")
        let folder = a.path("shared")
        for store in [a, b] {
            try store.ok(["init", "--empty"])
            try FileManager.default.createDirectory(atPath: store.path("banks"), withIntermediateDirectories: true)
            try Self.bank.write(toFile: store.path("banks/bank.md"), atomically: true, encoding: .utf8)
            try store.ok(["import", store.path("banks/bank.md")])
        }
        try a.ok(["answer", "1", "good"])
        try a.ok(["deck", "rename", "bank", "Python"], environment: ["RECALL_NOW": "2026-11-25T14:00:00Z"])
        for store in [a, b, a, b] { try store.ok(["sync", folder], environment: ["RECALL_NOW": "2026-11-26T09:00:00Z"]) }
        for store in [a, b] {
            let cards = try #require(try store.json(["list", "--json"]) as? [[String: Any]])
            #expect(cards.count == 4 && cards.allSatisfy { $0["deck"] as? String == "Python" })
            #expect(cards.reduce(0) { $0 + (($1["reviews"] as? [Any])?.count ?? 0) } == 1)
        }
        #expect(try a.ok(["export"]) == b.ok(["export"]))
    }

    /// The QA repro: an answer synced to another store, then undone here, came back with the
    /// next sync. Undo now refuses it and changes nothing.
    @Test func anAnswerAlreadySyncedCannotBeUndone() throws {
        let first = try sandbox()
        let folder = first.path("shared")
        try first.ok(["sync", folder])
        let second = RecallSandbox()
        try second.ok(["init", "--empty"])
        try second.ok(["sync", folder])
        let before = try first.ok(["export"])
        #expect(try first.fails(["undo"]) == "recall: error: cannot undo good on card 1: `recall sync` or `recall export` "
            + "already wrote it to a deck file, and a sync would bring it back from there")
        #expect(try first.ok(["export"]) == before)
        #expect(try first.ok(["show", "1", "--json"]).contains("\"reps\": 1"))
        // An answer given after the sync is still this store's alone, and can be undone.
        try first.ok(["answer", "2", "again"])
        #expect(try first.ok(["undo"]) == "undid again on card 2\n")
        #expect(try first.fails(["undo"]).hasPrefix("recall: error: cannot undo good on card 1: "))
    }

    @Test func anAnswerExportedWithHistoryCannotBeUndone() throws {
        // To a file.
        let toFile = try sandbox()
        try toFile.ok(["export", "-o", toFile.path("all.json")])
        #expect(try toFile.fails(["undo"]).hasPrefix("recall: error: cannot undo good on card 1: "))
        // To standard output.
        let toOutput = try sandbox()
        try toOutput.ok(["export"])
        #expect(try toOutput.fails(["undo"]).hasPrefix("recall: error: cannot undo good on card 1: "))
    }

    @Test func anExportWithoutTheAnswerLeavesItUndoable() throws {
        // Without history, or of another deck, the file does not hold the answer.
        let sandbox = try sandbox()
        try sandbox.ok(["export", "--no-history", "-o", sandbox.path("share.json")])
        try sandbox.ok(["export", "--deck", "E", "-o", sandbox.path("e.json")])
        #expect(try sandbox.ok(["undo"]) == "undid good on card 1\n")
    }

    @Test func anAnswerAfterThePublishedReviewsWereDeletedCanBeUndone() throws {
        // The exported review is deleted with its card; the next answer is still new.
        let sandbox = try sandbox()
        try sandbox.ok(["export", "-o", sandbox.path("all.json")])
        try sandbox.ok(["rm", "1"])
        try sandbox.ok(["answer", "2", "hard"])
        #expect(try sandbox.ok(["undo"]) == "undid hard on card 2\n")
    }

    @Test func aCardReviewedAfterAnotherStoreDeletedItComesBackWithItsReview() throws {
        let a = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let b = RecallSandbox(now: "2026-11-25T12:00:00Z")
        let folder = a.path("shared")
        try a.ok(["init", "--empty"])
        try b.ok(["init", "--empty"])
        try a.ok(["add", "--deck", "D", "--front", "kept?", "--back", "yes"])
        try a.ok(["add", "--deck", "D", "--front", "gone?", "--back", "yes"])
        for store in [a, b] { try store.ok(["sync", folder]) }
        // Short ids are each store's own: B's are found by question.
        let onB = try #require(try b.json(["list", "--json"]) as? [[String: Any]])
        func idOnB(_ front: String) -> String { String(onB.first { $0["front"] as? String == front }?["short_id"] as? Int ?? 0) }
        // B reviews "gone?" before A deletes it, and "kept?" after.
        try b.ok(["answer", idOnB("gone?"), "good"], environment: ["RECALL_NOW": "2026-11-25T13:00:00Z"])
        try a.ok(["rm", "1", "2"], environment: ["RECALL_NOW": "2026-11-25T14:00:00Z"])
        try b.ok(["answer", idOnB("kept?"), "good"], environment: ["RECALL_NOW": "2026-11-25T15:00:00Z"])
        for store in [a, b, a, b] { try store.ok(["sync", folder], environment: ["RECALL_NOW": "2026-11-25T16:00:00Z"]) }
        for store in [a, b] {
            let cards = try #require(try store.json(["list", "--json"]) as? [[String: Any]])
            #expect(cards.map { $0["front"] as? String } == ["kept?"])
            #expect((cards.first?["reviews"] as? [Any])?.count == 1)
            try store.ok(["check"])
        }
        #expect(try a.ok(["export"]) == b.ok(["export"]))
    }

    @Test func syncIntoAFileFails() throws {
        let sandbox = try sandbox()
        try "x".write(toFile: sandbox.path("plain"), atomically: false, encoding: .utf8)
        #expect(try sandbox.fails(["sync", sandbox.path("plain")]) == "recall: error: \(sandbox.path("plain")) is not a folder")
    }
}

/// `recall import FILE.json` through the binary: the round trip and a refused file.
@Suite struct DeckFileImportCommandTests {
    @Test func exportImportIntoAnEmptyStoreThenExportIsByteIdentical() throws {
        let first = RecallSandbox()
        try first.ok(["init"])
        try first.ok(["add", "--deck", "Spanish", "--front", "perro 🐕", "--back", "dog", "--reversed", "--tag", "animals"])
        try first.ok(["answer", "1", "good"])
        try first.ok(["answer", "1", "good"], environment: ["RECALL_NOW": "2026-11-26T09:00:00Z"])
        try first.ok(["answer", "94", "again"])
        try first.ok(["suspend", "3"])
        let file = first.path("deck.json")
        try first.ok(["export", "-o", file])
        let second = RecallSandbox()
        let summary = try second.ok(["import", file])
        #expect(!summary.isEmpty)
        let again = second.path("again.json")
        try second.ok(["export", "-o", again])
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: file)))
        // Importing the same file again adds nothing.
        try second.ok(["import", file])
        try second.ok(["export", "-o", again])
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: file)))
        let card = try #require(try second.json(["show", "1", "--json"]) as? [String: Any])
        #expect((card["reviews"] as? [Any])?.count == 2)
    }

    @Test func aDeckFileWithABadRatingIsRefusedAndChangesNothing() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "D", "--front", "q", "--back", "a"])
        try sandbox.ok(["answer", "1", "good"])
        let file = sandbox.path("deck.json")
        try sandbox.ok(["export", "-o", file])
        let text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "\"rating\":3", with: "\"rating\":7")
            .replacingOccurrences(of: "\"rating\": 3", with: "\"rating\": 7")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let other = RecallSandbox()
        try other.ok(["init", "--empty"])
        let error = try other.fails(["import", file])
        #expect(error.contains("rating"))
        #expect(error.contains("7"))
        #expect(try other.ok(["list"]) == "")
    }

    /// Issue 7 and 13: a file of 2 GB or more (a sanity cap far above any real collection) is
    /// refused before it is read, with how to raise the limit; `--max-file-size` raises (or
    /// lowers) it for `import` and `sync`.
    @Test func theFileSizeLimitIsSaidInTheErrorAndCanBeRaised() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        // A sparse file of 2 GB that starts like a deck file: refused before a byte is read.
        let big = sandbox.path("big.json")
        #expect(FileManager.default.createFile(atPath: big, contents: Data("{\"format\": \"recall-deck\", ".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: big))
        try handle.truncate(atOffset: 2_000_000_000)
        try handle.close()
        #expect(try sandbox.fails(["import", big]) == "recall: error: \(big): the file is 2.0 GB, and deck files must be "
            + "smaller than 2.0 GB; to read it, raise the limit with --max-file-size 2100MB")

        let other = RecallSandbox()
        try other.ok(["init", "--empty"])
        try other.ok(["add", "--deck", "D", "--front", "q", "--back", "a"])
        let file = other.path("deck.json")
        try other.ok(["export", "-o", file])
        let size = try #require(try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        #expect(try sandbox.fails(["import", file, "--max-file-size", "\(size)"]).hasSuffix("raise the limit with --max-file-size 1MB"))
        #expect(try sandbox.ok(["list"]) == "")
        #expect(try sandbox.ok(["import", file, "--max-file-size", "1MB"]) == "1 card added; 1 deck added\n")

        let folder = sandbox.path("shared")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: folder + "/peer.json")
        let refused = try sandbox.run(["sync", folder, "--max-file-size", "\(size)B"])
        #expect(refused.status == 0)
        #expect(refused.stderr.hasPrefix("recall: warning: skipped peer.json: peer.json: the file is "))
        #expect(try sandbox.ok(["sync", folder, "--max-file-size", "0.5GB"]).hasPrefix("merged 1 file: no changes\n"))

        #expect(try sandbox.fails(["sync", folder, "--max-file-size", "lots"], status: 64).contains("expected a size such as 300MB"))
        try "Q: q\nA: a\n".write(toFile: sandbox.path("bank.md"), atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["import", sandbox.path("bank.md"), "--max-file-size", "1GB"])
            == "recall: error: --max-file-size applies to recall-deck JSON files, not to question banks")
    }

    @Test func syncCreatesAMissingFolderWithItsParents() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "D", "--front", "q", "--back", "a"])
        let folder = sandbox.path("Sync/recall")
        try sandbox.ok(["sync", folder])
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count == 1)
        #expect(files.first?.hasSuffix(".json") == true)
    }
}
