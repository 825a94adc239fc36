import Foundation
import Testing

/// Issue 11 end to end, from the built binary: card syntaxes and bank shapes found on real files.
@Suite struct ImportShapesCommandTests {
    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func fronts(_ sandbox: RecallSandbox) throws -> [String] {
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        return list.compactMap { $0["front"] as? String }.sorted()
    }

    @Test func aStrayAnswerLineWarnsWithItsLineAndTheFolderIsStillImported() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try write("Q: What is a goroutine?\nA: A lightweight thread.\n\nA: Stray.\n", to: sandbox.path("banks/go.md"))
        try write("Q: What is a trait?\nA: A set of methods.\n", to: sandbox.path("banks/rust.md"))
        let result = try sandbox.run(["import", sandbox.path("banks")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("go.md:4: answer without a question (Q: … A:); it makes no card"))
        #expect(try fronts(sandbox) == ["What is a goroutine?", "What is a trait?"])
    }

    @Test func anObsidianNoteGivesItsCardsAndNoSchedulingComments() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = RecallSandbox.fixtures.appendingPathComponent("import/real/st3v3nmw-obsidian-spaced-repetition.md").path
        let out = try sandbox.ok(["import", path])
        #expect(out.contains("39 notes"))
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        for card in list {
            let text = "\(card["front"] ?? "") \(card["back"] ?? "")"
            #expect(!text.contains("<!--SR") && !text.contains("#course/"), "\(text)")
        }
    }

    @Test func aFolderOfOneQuestionFilesKeepsProgressWhenItsFilesAreEdited() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let closure = "# What is a closure?\n\nA function with the variables it captured.\n"
        try write("---\ntitle: Installing recall\n---\n\nBuild it with SwiftPM.\n\n## Linux\n\nswift build\n",
                  to: sandbox.path("site/docs/install.md"))
        try write(closure, to: sandbox.path("site/docs/closure.md"))
        try write("# Generators\n\nFunctions that `yield` values lazily.\n", to: sandbox.path("site/docs/generators.md"))
        let first = try sandbox.ok(["import", sandbox.path("site/docs")])
        #expect(first.contains("3 added"))
        #expect(try fronts(sandbox) == ["Generators", "Installing recall", "What is a closure?"])
        // One deck for the folder's pages, not a deck per page.
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.map { $0["name"] as? String } == ["docs"])
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        let id = try #require(list.first { $0["front"] as? String == "What is a closure?" }?["short_id"] as? Int).description
        try sandbox.ok(["answer", id, "good"])
        // The answer edited: the same card, with its review.
        try write(closure.replacingOccurrences(of: "captured.", with: "captured from its scope."), to: sandbox.path("site/docs/closure.md"))
        #expect(try sandbox.ok(["import", sandbox.path("site/docs")]).contains("0 added, 1 updated, 2 unchanged"))
        let card = try #require(try sandbox.json(["show", id, "--json"]) as? [String: Any])
        #expect(card["back"] as? String == "A function with the variables it captured from its scope.")
        #expect((card["reviews"] as? [Any])?.count == 1)
        // The title edited: the same card again.
        try write("# What is a closure in Python?\n\nA function with the variables it captured from its scope.\n",
                  to: sandbox.path("site/docs/closure.md"))
        #expect(try sandbox.ok(["import", sandbox.path("site/docs")]).contains("0 added, 1 updated, 2 unchanged"))
        let renamed = try #require(try sandbox.json(["show", id, "--json"]) as? [String: Any])
        #expect(renamed["front"] as? String == "What is a closure in Python?")
        #expect((renamed["reviews"] as? [Any])?.count == 1)
        // One file imported on its own is the same note as with its folder.
        let alone = try sandbox.ok(["import", sandbox.path("site/docs/install.md")])
        #expect(alone.contains("0 added, 0 updated, 1 unchanged, 0 missing from source"))
    }

    @Test func anAnkiTextExportWithoutHeadersImportsWithItsHTMLConverted() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("Spanish.txt")
        try write("el perro;the <b>dog</b>;animals\nel gato;the cat<br>(feline);animals\n", to: path)
        #expect(try sandbox.ok(["import", path]).contains("imported Spanish.txt → deck \"Spanish\": 2 notes"))
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        #expect(list.compactMap { $0["back"] as? String }.sorted() == ["the **dog**", "the cat\n(feline)"])
        #expect(list.allSatisfy { ($0["tags"] as? [String]) == ["animals"] })
    }

    // MARK: - Re-import of an unchanged bank (ImportFingerprint)

    static let settled = "unchanged: settled without reading the file"

    func timedImport(_ sandbox: RecallSandbox, _ arguments: [String]) throws -> RunResult {
        let result = try sandbox.run(["import"] + arguments, environment: ["RECALL_TIMINGS": "1"])
        #expect(result.status == 0, "\(result.stderr)")
        return result
    }

    @Test func anUnchangedBankIsSettledWithoutReadingItAndSaysWhatAFullReimportSays() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("bank.md")
        try write(ImportCommandTests.navigationBank, to: path)
        let first = try timedImport(sandbox, [path])
        #expect(!first.stderr.contains(Self.settled))
        // Other options: read in full (and fingerprinted with them); the same again: settled.
        for arguments in [[path, "--prune"], [path, "--prune", "--json"]] {
            let full = try timedImport(sandbox, arguments + (arguments.contains("--json") ? ["--deck", "bank"] : []))
            let quick = try timedImport(sandbox, arguments + (arguments.contains("--json") ? ["--deck", "bank"] : []))
            #expect(!full.stderr.contains(Self.settled))
            #expect(quick.stderr.contains(Self.settled))
            #expect(quick.stdout == full.stdout)
        }
        let again = try timedImport(sandbox, [path, "--prune"])
        #expect(again.stdout.contains("imported bank.md → deck \"bank\": 3 notes; 3 parts made no card (3 navigation)"))
        #expect(again.stdout.contains("0 added, 0 updated, 3 unchanged, 0 missing from source"))
    }

    @Test func anEditedFileOrAStoreChangedSinceIsReadInFull() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("bank.md")
        try write(ImportCommandTests.navigationBank, to: path)
        try sandbox.ok(["import", path])
        #expect(try timedImport(sandbox, [path]).stderr.contains(Self.settled))
        // The file edited.
        try write(ImportCommandTests.navigationBank.replacingOccurrences(of: "A counter.", with: "A counter of permits."), to: path)
        let edited = try timedImport(sandbox, [path])
        #expect(!edited.stderr.contains(Self.settled))
        #expect(edited.stdout.contains("0 added, 1 updated, 2 unchanged"))
        #expect(try timedImport(sandbox, [path]).stderr.contains(Self.settled))
        // A card edited in recall: read in full (and what a full re-import says of it).
        try sandbox.ok(["edit", "1", "--back", "A lock, edited here."], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        let afterEdit = try timedImport(sandbox, [path])
        #expect(!afterEdit.stderr.contains(Self.settled))
        #expect(afterEdit.stdout.contains("0 added, 0 updated, 3 unchanged"))
        // A card deleted in recall: the full re-import brings it back; settled would not have.
        #expect(try timedImport(sandbox, [path]).stderr.contains(Self.settled))
        try sandbox.ok(["rm", "2"])
        let afterDelete = try timedImport(sandbox, [path])
        #expect(!afterDelete.stderr.contains(Self.settled))
        #expect(afterDelete.stdout.contains("1 added, 0 updated, 2 unchanged"))
        // Another --deck: read in full.
        #expect(!(try timedImport(sandbox, [path, "--deck", "Other"])).stderr.contains(Self.settled))
    }

    @Test func anUnchangedFolderIsSettledQuicklyUntilAFileIsAddedEditedOrRemoved() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let folder = sandbox.path("banks")
        try write(ImportCommandTests.navigationBank, to: sandbox.path("banks/os.md"))
        try write("Q: What is a goroutine?\nA: A lightweight thread.\n", to: sandbox.path("banks/lang/go.md"))
        try write("perro\tdog\ngato\tcat\n", to: sandbox.path("banks/words.tsv"))
        try sandbox.ok(["import", folder])
        let full = try timedImport(sandbox, [folder, "--prune"])
        let quick = try timedImport(sandbox, [folder, "--prune"])
        #expect(!full.stderr.contains(Self.settled))
        #expect(quick.stderr.contains(Self.settled))
        #expect(quick.stdout == full.stdout)
        #expect(quick.stdout.contains("0 added, 0 updated, 6 unchanged, 0 missing from source"))
        // A file added: read in full.
        try write("Q: What is a trait?\nA: A set of methods.\n", to: sandbox.path("banks/lang/rust.md"))
        let added = try timedImport(sandbox, [folder])
        #expect(!added.stderr.contains(Self.settled))
        #expect(added.stdout.contains("1 added, 0 updated, 6 unchanged"))
        #expect(try timedImport(sandbox, [folder]).stderr.contains(Self.settled))
        // A file edited.
        try write("perro\tdog\ngato\tcat (feline)\n", to: sandbox.path("banks/words.tsv"))
        let edited = try timedImport(sandbox, [folder])
        #expect(!edited.stderr.contains(Self.settled))
        #expect(edited.stdout.contains("0 added, 1 updated, 6 unchanged"))
        // A file removed: its notes are missing, as a full re-import says (and never settled quickly).
        try FileManager.default.removeItem(atPath: sandbox.path("banks/lang/go.md"))
        for _ in 0..<2 {
            let removed = try timedImport(sandbox, [folder])
            #expect(!removed.stderr.contains(Self.settled))
            #expect(removed.stdout.contains("0 added, 0 updated, 6 unchanged, 1 missing from source"))
        }
    }

    /// The premise the quick path rests on: a full re-import of what was just imported changes
    /// nothing, for every real bank (duplicate fronts, clozes, navigation, CSV) and the seed.
    @Test(arguments: ["lydiahallie-javascript-questions.md", "st3v3nmw-obsidian-spaced-repetition.md",
                      "yangshun-front-end-interview-handbook.md", "bmaupin-flashcard-sets.csv",
                      "sudheerj-reactjs-interview-questions.md", "alexeygrigorev-data-science-interviews.md"])
    func aFullReimportOfWhatWasJustImportedChangesNothing(bank: String) throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = RecallSandbox.fixtures.appendingPathComponent("import/real/" + bank).path
        try sandbox.ok(["import", path])
        // Another option: the full path, not the quick one.
        let again = try timedImport(sandbox, [path, "--prune"])
        #expect(!again.stderr.contains(Self.settled))
        #expect(again.stdout.contains("0 added, 0 updated, "))
        #expect(again.stdout.contains(" unchanged, 0 missing from source"))
    }

    @Test func aBankThatLeftSomethingUnsaidIsNeverSettledQuickly() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("go.md")
        try write("Q: What is a goroutine?\nA: A lightweight thread.\n\nA: Stray.\n", to: path)
        try sandbox.ok(["import", path])
        let again = try timedImport(sandbox, [path])
        #expect(!again.stderr.contains(Self.settled))
        #expect(again.stdout.contains("go.md:4: answer without a question"))
    }
}
