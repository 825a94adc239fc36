import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// Issue 7: export → import into an empty store → export gives the same bytes.
@Suite struct RoundTripTests {
    /// A store with every feature a deck file carries: basic, reversed and cloze siblings, a
    /// suspended card, cards in learning, review and relearning, Unicode and control characters,
    /// tags, deck options, a sub-deck (renamed: its cards carry `moved`), an empty deck, and deletions.
    static func storeWithEverything(_ folder: TemporaryFolder) throws -> Store {
        let store = try makeStore(folder, "everything")
        try store.write {
            try store.addNote(deck: "Python", front: "What does `is` compare?", back: "Identity, not equality.",
                              tags: ["python", "operators"], now: day(0))
            try store.addNote(deck: "Spanish", kind: .reversed, front: "perro", back: "dog", tags: ["animals"],
                              ordinals: [1, 2], now: day(0))
            try store.addNote(deck: "Python::Hard", kind: .cloze, front: "The {{c1::GIL}} lets {{c2::one}} thread run {{c3::bytecode}}.",
                              back: "", ordinals: [1, 2, 3], now: day(0, minutes: 1))
            try store.addNote(deck: "Unicode ✓", front: "Ünïcödé «quotes» \"double\" \\ back\\slash\ttab\nnew line 🎉 e\u{301} \u{2028}",
                              back: "עברית العربية 中文 \u{0007}bell \u{001B}[31mescape", tags: ["ünï", "emoji🎉"], now: day(0, minutes: 2))
            try store.addNote(deck: "Python", front: "Suspended card", back: "never shown", now: day(0, minutes: 3))
            try store.addNote(deck: "Python", front: "Relearning card", back: "forgotten", now: day(0, minutes: 4))
            try store.addNote(deck: "Python", front: "To be deleted", back: "gone", now: day(0, minutes: 5))
            try store.ensureDeck("Empty deck", now: day(0))
            try store.setOption("desired_retention", to: "0.85", deck: "Python", now: day(0, minutes: 6))
            try store.setOption("learning_steps", to: "1m 10m 1h", deck: "Spanish", now: day(0, minutes: 6))
            // Imported from a question bank: the note keeps its source and re-import keys.
            _ = try store.applyImport(
                added: [ImportedNote(deck: "Spanish", kind: .reversed, front: "gato", back: "cat", tags: ["animals"], ordinals: [1, 2],
                                     source: "spanish.md", sourceLine: 3, questionKey: "0123456789abcdef",
                                     answerKey: "fedcba9876543210", contentKey: "00112233aabbccdd")],
                updated: [], pruned: [], now: day(0, minutes: 7))
        }
        let python = try store.card(front: "What does `is` compare?")
        try store.answerCard(python.id, .good, at: day(0, minutes: 10))
        try store.answerCard(python.id, .good, at: day(0, minutes: 30))
        try store.answerCard(python.id, .good, at: day(3))  // review
        let spanish = try store.cards(deck: "Spanish")
        try store.answerCard(spanish[0].id, .good, at: day(1))  // learning
        let relearning = try store.card(front: "Relearning card")
        try store.answerCard(relearning.id, .easy, at: day(1))
        try store.answerCard(relearning.id, .again, at: day(12))  // relearning
        let cloze = try store.cards(deck: "Python::Hard")
        try store.answerCard(cloze[1].id, .hard, at: day(2))
        try store.write {
            try store.setSuspended([try store.card(front: "Suspended card").id], true, now: day(4))
            try store.editNote(ofCard: python.id, front: nil, back: "Identity (same object), not equality.", tags: nil, now: day(5))
            try store.renameDeck("Python::Hard", to: "Python::Advanced", now: day(5, minutes: 1))
            try store.moveCards(try store.cards(deck: "Python::Advanced").map(\.id), toDeck: "Python", now: day(5, minutes: 2))
            try store.moveCards(try store.cards(deck: "Python").filter { $0.kind == .cloze }.map(\.id),
                                toDeck: "Python::Advanced", now: day(5, minutes: 3))
            try store.deleteCards([try store.card(front: "To be deleted").id], now: day(6))
            try store.ensureDeck("Old deck", now: day(0))
            try store.deleteDeck("Old deck", now: day(6))
        }
        return store
    }

    @Test func exportImportExportIsByteIdentical() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let original = try Self.storeWithEverything(folder)
        let first = try original.exportText()
        let copy = try makeStore(folder, "copy")
        let report = try copy.importText(first)
        #expect(report.cardsAdded == 11)
        #expect(report.decksAdded == 5)
        #expect(report.reviewsAdded == 7)
        #expect(try copy.exportText() == first)
        #expect(try copy.checkReplay(timeZone: utc, fix: false).isEmpty)
    }

    @Test func theExportHasEveryFeatureInTheDocumentedLayout() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let text = try Self.storeWithEverything(folder).exportText()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["format"] as? String == "recall-deck")
        #expect(object["version"] as? Int == 2)
        let decks = try #require(object["decks"] as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String } == ["Empty deck", "Python", "Python::Advanced", "Spanish", "Unicode ✓"])
        let phases = decks.flatMap { ($0["cards"] as? [[String: Any]]) ?? [] }
            .compactMap { ($0["state"] as? [String: Any])?["phase"] as? String }
        #expect(Set(phases) == ["new", "learning", "review", "relearning"])
        let tombstones = try #require(object["tombstones"] as? [[String: Any]])
        #expect(Set(tombstones.compactMap { $0["kind"] as? String }) == ["card", "note", "deck"])
        #expect(text.contains("\n            {\"at\":\"2026-11-25T12:10:00.000Z\",\"duration_ms\":3000,\"id\":\""))
        #expect(text.contains("\"front\": \"Ünïcödé «quotes» \\\"double\\\" \\\\ back\\\\slash\\ttab\\nnew line 🎉 e\u{301} \\u2028\""))
        #expect(text.contains("\\u0007bell \\u001b[31mescape"))
        #expect(text.hasSuffix("  \"version\": 2\n}\n"))
        #expect(text.contains("      \"config\": {\n        \"desired_retention\": \"0.85\"\n      },"))
        #expect(text.contains(Self.originLine))
        // A card moved to another deck says when, between `modified` and `note`; the others do
        // not. A rename moves no card: the deck says when it got its name.
        #expect(text.components(separatedBy: "\n          \"moved\": \"2026-11-30T12:03:00.000Z\",\n          \"note\": ").count == 4)
        #expect(text.components(separatedBy: "\n          \"moved\": ").count == 4)
        #expect(text.contains("      \"name\": \"Python::Advanced\",\n      \"renamed\": \"2026-11-30T12:01:00.000Z\"\n"))
        // A deleted card's tombstone keeps it, with its reviews, on its one line.
        #expect(text.contains("{\"card\":{\"back\":\"gone\",\"buried_at\":"))
    }

    /// How the imported note's origin is written: one compact line, members sorted.
    static let originLine = """
        \n          "ordinal": 1,\n          "origin": {"answer_key":"fedcba9876543210","content_key":"00112233aabbccdd",\
        "file":"spanish.md","line":3,"question_key":"0123456789abcdef"},\n
        """

    @Test func aCardObjectCarriesWhatShowJSONShowsExceptLocalFields() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Self.storeWithEverything(folder)
        let card = try store.card(front: "What does `is` compare?")
        let shown = CardJSON.object(card, reviews: try store.reviews(ofCard: card.id), local: false)
        guard case var .object(expected) = shown else { Issue.record("not an object"); return }
        expected["deck"] = nil
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(try store.exportText().utf8)) as? [String: Any])
        let cards = ((exported["decks"] as? [[String: Any]]) ?? []).flatMap { ($0["cards"] as? [[String: Any]]) ?? [] }
        let mine = try #require(cards.first { $0["id"] as? String == card.guid })
        let reparsed = try #require(try JSONSerialization.jsonObject(with: Data(JSONValue.object(expected).compact().utf8)) as? [String: Any])
        func canonical(_ value: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try canonical(mine) == canonical(reparsed))
    }

    @Test func withoutHistoryACardHasNoStateAndNoReviews() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Self.storeWithEverything(folder)
        let text = try store.exportText(DeckExporter.Selection(history: false))
        #expect(!text.contains("\"reviews\""))
        #expect(!text.contains("\"state\""))
        // The origin stays: it lets the recipient re-import the same bank without duplicates.
        #expect(text.contains(Self.originLine))
        let copy = try makeStore(folder, "copy")
        try copy.importText(text)
        #expect(try copy.cards().allSatisfy { $0.state == .new })
        #expect(try copy.exportText(DeckExporter.Selection(history: false)) == text)
    }

    @Test func aDeckExportHoldsTheDeckAndItsSubDecksOnly() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Self.storeWithEverything(folder)
        let object = try #require(try JSONSerialization.jsonObject(
            with: Data(try store.exportText(DeckExporter.Selection(decks: ["Python"])).utf8)) as? [String: Any])
        let decks = try #require(object["decks"] as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String } == ["Python", "Python::Advanced"])
        let tombstones = try #require(object["tombstones"] as? [[String: Any]])
        // Every tombstone: a deleted deck's name is gone, so which export it belongs to is not
        // known. A rename leaves none.
        #expect(tombstones.filter { $0["kind"] as? String == "deck" }.compactMap { $0["id"] as? String }
                == [DeckName.stableID("Old deck")])
        #expect(throws: StoreError.deckNotFound("Nope")) { try store.exportText(DeckExporter.Selection(decks: ["Nope"])) }
    }

    @Test func importingTheSameFileAgainChangesNothing() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let text = try Self.storeWithEverything(folder).exportText()
        let copy = try makeStore(folder, "copy")
        try copy.importText(text)
        let before = try copy.syncFingerprint()
        let again = try copy.importText(text)
        #expect(!again.changedAnything, "\(again)")
        #expect(try copy.syncFingerprint() == before)
    }

    @Test func anExportedFileReadsBackAsTheSameDeckFile() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Self.storeWithEverything(folder)
        let path = folder.path("export.json")
        let counts = try DeckExporter.export(store, toFile: path)
        #expect(counts == DeckExporter.Counts(decks: 5, cards: 11, reviews: 7))
        let file = try DeckReader.read(path: path)
        #expect(file.decks.flatMap(\.cards).count == 11)
        let origins = file.decks.flatMap(\.cards).compactMap(\.origin)
        #expect(origins == Array(repeating: NoteOrigin(file: "spanish.md", line: 3, questionKey: "0123456789abcdef",
                                                       answerKey: "fedcba9876543210", contentKey: "00112233aabbccdd"), count: 2))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == (try store.exportText()))
        #expect(DeckReader.recognizes(path: path))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aDeckFileIsRecognizedByItsStartAndEndWhateverItsSize() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try makeStore(folder, "many")
        try store.write {
            let ids = try (0..<300).map { try store.addNote(deck: "D", front: "card \($0) " + String(repeating: "x", count: 100), back: "b", now: day(0)) }
            try store.deleteCards(ids.flatMap { $0 }, now: day(1))
        }
        let path = folder.path("many.json")
        try DeckExporter.export(store, toFile: path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count > 40_000)
        #expect(DeckReader.recognizes(path: path))
        try "[{\"decks\": []}]".write(toFile: folder.path("array.json"), atomically: false, encoding: .utf8)
        #expect(!DeckReader.recognizes(path: folder.path("array.json")))
        try "# Deck\n\nQ: a\nA: b\n".write(toFile: folder.path("deck.md"), atomically: false, encoding: .utf8)
        #expect(!DeckReader.recognizes(path: folder.path("deck.md")))
        #expect(!DeckReader.recognizes(path: folder.path("missing.json")))
    }
}
