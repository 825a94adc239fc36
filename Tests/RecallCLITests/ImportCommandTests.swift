import Foundation
import Testing

/// Issue 4 end to end: the bundled deck, re-import identity rules and the summary.
@Suite struct ImportCommandTests {
    func object(_ value: Any?) throws -> [String: Any] { try #require(value as? [String: Any]) }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func cards(_ sandbox: RecallSandbox) throws -> [[String: Any]] {
        try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
    }

    static let bank = """
        Q: What does the GIL protect?
        A: Access to Python objects, one thread at a time.

        Q: What is a generator?
        A: A function that yields values lazily.

        Q: Deep copy or shallow copy?
        A: A deep copy also copies nested objects.
        """

    /// A heading bank with navigation: a table of contents, a back-to-top link and a License section.
    static let navigationBank = """
        # Bank

        ## Table of Contents

        - [What is a mutex?](#what-is-a-mutex)

        ## What is a mutex?

        A lock.

        **[⬆ Back to Top](#table-of-contents)**

        ## What is a semaphore?

        A counter.

        ## What is a deadlock?

        Waiting forever.

        ## License

        MIT
        """

    @Test func theSummarySaysWhatMadeNoCardAndDryRunListsItBesideTheFronts() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("bank.md")
        try write(Self.navigationBank, to: path)
        let dryRun = try sandbox.ok(["import", path, "--dry-run"])
        #expect(dryRun.contains("would import bank.md → deck \"bank\": 3 notes; 3 parts made no card (3 navigation)"))
        let rows = [(3, "(no card: navigation)"), (7, "What is a mutex?"), (11, "(no card: navigation)"),
                    (13, "What is a semaphore?"), (17, "What is a deadlock?"), (21, "(no card: navigation)")]
        let listing = rows.map { String(repeating: " ", count: 8 - String($0.0).count) + "\($0.0)  \($0.1)" }
        #expect(dryRun.contains(listing.joined(separator: "\n")))
        let done = try sandbox.ok(["import", path])
        #expect(done.contains("imported bank.md → deck \"bank\": 3 notes; 3 parts made no card (3 navigation)"))
        #expect(!done.contains("(no card"))
        let json = try object(try sandbox.json(["import", path, "--json"]))
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect((sources.first?["no_card"] as? [Any])?.count == 3)
    }

    @Test func aNewStoreGetsTheBundledDeckAndEmptyDoesNot() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init"])
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.first?["name"] as? String == "Python interview")
        #expect((decks.first?["total"] as? Int ?? 0) >= 60)
        // First use of any command creates the store with the deck too.
        let other = RecallSandbox()
        #expect(try other.ok(["decks"]).contains("Python interview"))
        let empty = RecallSandbox()
        try empty.ok(["init", "--empty"])
        #expect(try empty.ok(["decks"]).contains("no decks yet"))
    }

    @Test func importingPrintsASummaryAndReimportingChangesNothing() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("banks/python.md")
        try write(Self.bank, to: path)
        let first = try sandbox.ok(["import", path])
        #expect(first.contains("imported python.md → deck \"python\": 3 notes"))
        #expect(first.contains("3 added, 0 updated, 0 unchanged, 0 missing from source"))
        let before = try sandbox.ok(["list", "--json"])
        let again = try sandbox.ok(["import", path], environment: ["RECALL_NOW": "2027-01-01T00:00:00Z"])
        #expect(again.contains("0 added, 0 updated, 3 unchanged, 0 missing from source"))
        #expect(try sandbox.ok(["list", "--json"]) == before)
    }

    @Test func editingAnAnswerUpdatesTheCardInPlaceWithItsHistory() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("python.md")
        try write(Self.bank, to: path)
        try sandbox.ok(["import", path])
        try sandbox.ok(["answer", "2", "good"])
        try write(Self.bank.replacingOccurrences(of: "yields values lazily", with: "yields values lazily, one at a time"), to: path)
        let out = try sandbox.ok(["import", path], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(out.contains("0 added, 1 updated, 2 unchanged"))
        let card = try object(try sandbox.json(["show", "2", "--json"]))
        #expect(card["back"] as? String == "A function that yields values lazily, one at a time.")
        #expect((card["reviews"] as? [Any])?.count == 1)
        #expect(try object(card["state"])["reps"] as? Int == 1)
        #expect(card["modified"] as? String == "2026-11-26T12:00:00.000Z")
    }

    @Test func editingAQuestionKeepsTheCardWhenTheAnswerStays() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("python.md")
        try write(Self.bank, to: path)
        try sandbox.ok(["import", path])
        try sandbox.ok(["answer", "1", "easy"])
        try write(Self.bank.replacingOccurrences(of: "What does the GIL protect?", with: "Which objects does the GIL guard?"), to: path)
        #expect(try sandbox.ok(["import", path]).contains("0 added, 1 updated, 2 unchanged"))
        let card = try object(try sandbox.json(["show", "1", "--json"]))
        #expect(card["front"] as? String == "Which objects does the GIL guard?")
        #expect((card["reviews"] as? [Any])?.count == 1)
    }

    @Test func changingBothMakesANewCardAndPruneDeletesTheOld() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("python.md")
        try write(Self.bank, to: path)
        try sandbox.ok(["import", path])
        try write(Self.bank.replacingOccurrences(of: "Q: What is a generator?\nA: A function that yields values lazily.",
                                                 with: "Q: What is a coroutine?\nA: A function that can pause at await."), to: path)
        let out = try sandbox.ok(["import", path])
        #expect(out.contains("1 added, 0 updated, 2 unchanged, 1 missing from source"))
        #expect(out.contains("missing from source (kept; --prune deletes them):"))
        #expect(try cards(sandbox).count == 4)
        let pruned = try sandbox.ok(["import", path, "--prune"])
        #expect(pruned.contains("deleted (gone from their source):"))
        #expect(try cards(sandbox).map { $0["front"] as? String } == ["What does the GIL protect?", "Deep copy or shallow copy?", "What is a coroutine?"])
    }

    @Test func formattingOnlyEditsKeepTheCard() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("python.md")
        try write(Self.bank, to: path)
        try sandbox.ok(["import", path])
        try write(Self.bank.replacingOccurrences(of: "Q: What is a generator?\nA: A function that yields values lazily.",
                                                 with: "Q: what is a   GENERATOR\nA: A function that *yields* values lazily!"), to: path)
        #expect(try sandbox.ok(["import", path]).contains("0 added, 1 updated, 2 unchanged, 0 missing"))
        #expect(try cards(sandbox).count == 3)
    }

    @Test func anEditMadeInRecallSurvivesReimportingAnUnchangedSource() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("python.md")
        try write(Self.bank, to: path)
        try sandbox.ok(["import", path])
        try sandbox.ok(["edit", "3", "--back", "My own words about deep copies."])
        #expect(try sandbox.ok(["import", path]).contains("0 added, 0 updated, 3 unchanged"))
        #expect(try object(try sandbox.json(["show", "3", "--json"]))["back"] as? String == "My own words about deep copies.")
        // Once the source itself changes that answer, the source's version comes in.
        try write(Self.bank.replacingOccurrences(of: "also copies nested objects", with: "copies nested objects too"), to: path)
        #expect(try sandbox.ok(["import", path]).contains("0 added, 1 updated, 2 unchanged"))
        #expect(try object(try sandbox.json(["show", "3", "--json"]))["back"] as? String == "A deep copy copies nested objects too.")
    }

    @Test func dryRunWritesNothingAndJSONSummarises() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("python.md")
        try write(Self.bank, to: path)
        let summary = try object(try sandbox.json(["import", path, "--dry-run", "--json"]))
        #expect(summary["dry_run"] as? Bool == true)
        #expect(summary["added"] as? Int == 3)
        #expect(try cards(sandbox).isEmpty)
        let real = try object(try sandbox.json(["import", path, "--json", "--deck", "Py"]))
        #expect(real["cards_added"] as? Int == 3)
        #expect(try cards(sandbox).allSatisfy { $0["deck"] as? String == "Py" })
    }

    @Test func aFolderGivesNestedDecks() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try write("Q: a?\nA: b\n", to: sandbox.path("banks/lang/go.md"))
        try write("perro\tdog\ngato\tcat\n", to: sandbox.path("banks/words.tsv"))
        try sandbox.ok(["import", sandbox.path("banks")])
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String } == ["lang::go", "words"])
    }

    @Test func badInputFailsWithOneLineAndLeavesTheStoreAlone() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let good = sandbox.path("good.md")
        try write(Self.bank, to: good)
        let missing = sandbox.path("nope.md")
        let error = try sandbox.fails(["import", good, missing])
        #expect(error.hasPrefix("recall: error: "))
        #expect(error.contains("nope.md"))
        #expect(try cards(sandbox).isEmpty)
        let binary = sandbox.path("blob.md")
        _ = FileManager.default.createFile(atPath: binary, contents: Data([0x51, 0x3A, 0x00, 0x01, 0x02]))
        #expect(try sandbox.fails(["import", binary]).contains("blob.md"))
        let csv = sandbox.path("bad.csv")
        try write("front,back\n\"unclosed,quote\nnext,row\n", to: csv)
        #expect(try sandbox.fails(["import", csv]).contains("bad.csv:2"))
        #expect(try cards(sandbox).isEmpty)
    }

    @Test func aLatin1FileIsDecodedWithOneWarning() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("latin.md")
        // "Café :: coffee" in Latin-1: the é is one byte, invalid as UTF-8.
        try Data([0x43, 0x61, 0x66, 0xE9, 0x20, 0x3A, 0x3A, 0x20, 0x63, 0x6F, 0x66, 0x66, 0x65, 0x65, 0x0A]).write(to: URL(fileURLWithPath: path))
        let out = try sandbox.ok(["import", path])
        #expect(out.components(separatedBy: "decoded as Windows-1252").count == 2)
        let cards = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        #expect(cards.first?["front"] as? String == "Café")
    }
}

/// How a bank is named to `recall import` (alone, or as part of a folder) does not change which
/// notes it is: its first key sticks, files gone from a folder are missing, and the summary
/// names the decks the notes are really in.
@Suite struct ImportSourceKeyTests {
    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func makeBanks(_ sandbox: RecallSandbox) throws {
        try write("Q: What does defer do?\nA: Runs a call at function exit.\n\nQ: Which keyword starts a goroutine?\nA: go\n",
                  to: sandbox.path("banks/lang/go.md"))
        try write("Q: What is a borrow?\nA: A reference.\n", to: sandbox.path("banks/lang/sys/rust.md"))
        try write("#separator:tab\n#deck:Vocabulary\nhund\tdog\nkatze\tcat\n", to: sandbox.path("banks/vocab.tsv"))
    }

    @Test func aBankImportedWithItsFolderIsTheSameBankImportedAloneOrFromASubfolder() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try makeBanks(sandbox)
        #expect(try sandbox.ok(["import", sandbox.path("banks")]).contains("5 added"))
        let alone = try sandbox.ok(["import", sandbox.path("banks/lang/go.md")])
        #expect(alone.contains("imported banks/lang/go.md → deck \"lang::go\": 2 notes"))
        #expect(alone.contains("0 added, 0 updated, 2 unchanged"))
        #expect(try sandbox.ok(["import", sandbox.path("banks/lang")]).contains("0 added, 0 updated, 3 unchanged"))
        // A question added to the bank, imported alone, joins the bank's deck.
        try write("Q: What does defer do?\nA: Runs a call at function exit.\n\nQ: Which keyword starts a goroutine?\nA: go\n\nQ: What is a channel?\nA: A typed pipe.\n",
                  to: sandbox.path("banks/lang/go.md"))
        #expect(try sandbox.ok(["import", sandbox.path("banks/lang/go.md")]).contains("1 added"))
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String ?? "" }.sorted() == ["Vocabulary", "lang::go", "lang::sys::rust"])
    }

    @Test func aFileGoneFromAnImportedFolderIsMissingAndPruneDeletesItsCards() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try makeBanks(sandbox)
        try sandbox.ok(["import", sandbox.path("banks")])
        try FileManager.default.removeItem(atPath: sandbox.path("banks/vocab.tsv"))
        let dry = try sandbox.ok(["import", sandbox.path("banks"), "--dry-run"])
        #expect(dry.contains("0 added, 0 updated, 3 unchanged, 2 missing from source"))
        #expect(dry.contains("hund"))
        try sandbox.ok(["import", sandbox.path("banks"), "--prune"])
        #expect(try sandbox.ok(["search", "hund"]).contains("hund") == false)
        #expect(try sandbox.ok(["search", "borrow"]).contains("borrow"))
    }

    @Test func twoBanksWithTheSameFileNameNeverMatchOrPruneEachOther() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try write("Q: What does defer do?\nA: Runs a call at function exit.\n\nQ: What starts a goroutine?\nA: The go keyword.\n",
                  to: sandbox.path("x/go.md"))
        try write("Q: What is go in baduk?\nA: A board game.\n", to: sandbox.path("y/go.md"))
        try sandbox.ok(["import", sandbox.path("x/go.md")])
        try sandbox.ok(["answer", "1", "good"])
        try sandbox.ok(["deck", "rename", "go", "golang"])
        let other = try sandbox.ok(["import", sandbox.path("y/go.md"), "--prune"])
        #expect(other.contains("imported as y/go.md, a bank of its own"))
        #expect(other.contains("1 added, 0 updated, 0 unchanged, 0 missing from source"))
        #expect(try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])["reviews"] as? [Any] != nil)
        // Each is itself again on the next import.
        #expect(try sandbox.ok(["import", sandbox.path("y/go.md")]).contains("0 added, 0 updated, 1 unchanged, 0 missing"))
        #expect(try sandbox.ok(["import", sandbox.path("x/go.md")]).contains("0 added, 0 updated, 2 unchanged, 0 missing"))
        // The other bank's notes went to the deck named after their own file, not the first bank's.
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.compactMap { $0["name"] as? String }.sorted() == ["go", "golang"])
    }

    @Test func aFileGoneFromASubfolderIsMissingWhenTheSubfolderIsImported() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try makeBanks(sandbox)
        try sandbox.ok(["import", sandbox.path("banks")])
        try FileManager.default.removeItem(atPath: sandbox.path("banks/lang/sys/rust.md"))
        let dry = try sandbox.ok(["import", sandbox.path("banks/lang"), "--dry-run"])
        #expect(dry.contains("0 added, 0 updated, 2 unchanged, 1 missing from source"))
        #expect(dry.contains("What is a borrow?"))
    }

    @Test func aBankFileMovedOrRenamedInsideItsFolderKeepsItsCards() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try write("Q: One?\nA: 1\n\nQ: Two?\nA: 2\n", to: sandbox.path("banks/go.md"))
        try sandbox.ok(["import", sandbox.path("banks")])
        try sandbox.ok(["answer", "1", "good"])
        try FileManager.default.createDirectory(atPath: sandbox.path("banks/lang"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: sandbox.path("banks/go.md"), toPath: sandbox.path("banks/lang/golang.md"))
        for _ in 0..<2 {
            let summary = try sandbox.ok(["import", sandbox.path("banks")])
            #expect(summary.contains("0 added, 0 updated, 2 unchanged, 0 missing from source"))
        }
        #expect(try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]]).count == 2)
    }

    @Test func newNotesOfABankFollowItsDeckAfterARename() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("g.md")
        try write("Q: One?\nA: 1\n", to: path)
        try sandbox.ok(["import", path])
        try sandbox.ok(["deck", "rename", "g", "golang"])
        try write("Q: One?\nA: 1\n\nQ: Two?\nA: 2\n", to: path)
        #expect(try sandbox.ok(["import", path]).contains("imported g.md → deck \"golang\": 2 notes"))
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.compactMap { $0["name"] as? String } == ["golang"])
    }

    @Test func theSummaryNamesTheDeckTheNotesAreIn() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try makeBanks(sandbox)
        let header = try sandbox.ok(["import", sandbox.path("banks/vocab.tsv")])
        #expect(header.contains("imported vocab.tsv → deck \"Vocabulary\": 2 notes"))
        let json = try #require(try sandbox.json(["import", sandbox.path("banks/vocab.tsv"), "--json"]) as? [String: Any])
        let source = try #require((json["sources"] as? [[String: Any]])?.first)
        #expect(source["deck"] as? String == "Vocabulary")
        let moved = try sandbox.ok(["import", sandbox.path("banks/vocab.tsv"), "--deck", "German"])
        #expect(moved.contains("note: notes imported earlier from vocab.tsv stay in deck \"Vocabulary\""))
        let movedJSON = try #require(try sandbox.json(["import", sandbox.path("banks/vocab.tsv"), "--deck", "German", "--json"]) as? [String: Any])
        #expect((movedJSON["notices"] as? [String])?.first?.contains("stay in deck \"Vocabulary\"") == true)
    }
}

/// A cloze's whole text is its question: editing it must still update the note in place.
@Suite struct ClozeReimportTests {
    func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func editingAClozeKeepsItsCardsAndHistoryAndAddsTheNewDeletion() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("go.md")
        let original = """
            C: A {{c1::slice}} is a view into an {{c2::array}}, with a length and a capacity.

            C: A {{c1::map}} is a hash table keyed by any comparable type.
            """
        try write(original, to: path)
        try sandbox.ok(["import", path])
        let before = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        let sliceCards = before.filter { ($0["front"] as? String ?? "").contains("slice") }.compactMap { $0["short_id"] as? Int }
        #expect(sliceCards.count == 2)
        try sandbox.ok(["answer", String(sliceCards[0]), "good"])

        // A word changed and a third deletion added.
        try write(original.replacingOccurrences(
            of: "A {{c1::slice}} is a view into an {{c2::array}}, with a length and a capacity.",
            with: "Any {{c1::slice}} is a view into an {{c2::array}}, with a length and a {{c3::capacity}}."), to: path)
        let summary = try sandbox.ok(["import", path], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(summary.contains("0 added, 1 updated, 1 unchanged, 0 missing from source"))
        let after = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        let ids = after.filter { ($0["front"] as? String ?? "").contains("slice") }.compactMap { $0["short_id"] as? Int }
        #expect(ids.count == 3)
        #expect(Set(sliceCards).isSubset(of: Set(ids)))
        let shown = try #require(try sandbox.json(["show", String(sliceCards[0]), "--json"]) as? [String: Any])
        #expect((shown["front"] as? String ?? "").hasPrefix("Any {{c1::slice}}"))
        #expect((shown["state"] as? [String: Any])?["reps"] as? Int == 1)
    }

    @Test func aCardWhosePlaceLeftTheSourceIsKeptAndReportedUntilPruned() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("cell.md")
        let full = "C: The [mitochondria] is the powerhouse of the [cell] of [eukaryotes].\n\n*Bonjour* ::: Hello\n"
        try write(full, to: path)
        try sandbox.ok(["import", path])
        try sandbox.ok(["answer", "3", "good"])
        try sandbox.ok(["answer", "5", "good"])  // the reversed card of Bonjour
        let shrunk = "C: The [mitochondria] is the powerhouse of the [cell].\n\n*Bonjour* :: Hello\n"
        try write(shrunk, to: path)
        let dry = try sandbox.ok(["import", path, "--dry-run"])
        #expect(dry.contains("cards whose place is gone from the note's source (kept; --prune deletes them):"))
        let summary = try sandbox.ok(["import", path])
        #expect(summary.contains("3  card 3 of") && summary.contains("5  card 2 of"))
        for id in ["3", "5"] {
            let card = try #require(try sandbox.json(["show", id, "--json"]) as? [String: Any])
            #expect((card["reviews"] as? [Any])?.count == 1)
        }
        // Put back, the deletion is the same card again, history and all.
        try write(full, to: path)
        #expect(try sandbox.ok(["import", path]).contains("0 added"))
        #expect(try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]]).count == 5)
        // Only --prune deletes a card whose place is gone.
        try write(shrunk, to: path)
        let pruned = try sandbox.ok(["import", path, "--prune"])
        #expect(pruned.contains("deleted cards (their place is gone from the note's source):"))
        #expect(try sandbox.run(["show", "3"]).status == 1)
        #expect(try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]]).count == 3)
    }

    @Test func aDifferentClozeIsANewNoteNotAnUpdate() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("go.md")
        try write("C: A {{c1::slice}} is a view into an array.\n", to: path)
        try sandbox.ok(["import", path])
        try write("C: Goroutines are started with the {{c1::go}} keyword.\n", to: path)
        #expect(try sandbox.ok(["import", path]).contains("1 added, 0 updated, 0 unchanged, 1 missing from source"))
    }
}
