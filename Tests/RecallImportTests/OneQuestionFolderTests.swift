import Foundation
import Testing
@testable import RecallImport

/// Issue 11: a folder of one-question files (documentation sites, note vaults) gives one card
/// per file, its title the front and the rest of the file the back.
@Suite struct OneQuestionFolderTests {
    static let install = """
        ---
        title: "Installing recall"
        sidebar_position: 2
        ---
        <!-- generated from docs.yml -->

        Build it with SwiftPM.

        ## Linux

        ```sh
        swift build -c release
        ```

        ## macOS

        Use Xcode 16 or later.
        """

    static let closure = """
        # What is a closure?

        A function together with the variables it captured.

        ## Example

        `make_counter()` returns one.
        """

    static let generators = """
        # Generators

        Functions that `yield` values lazily.
        """

    static let bank = """
        # Concurrency bank

        ## What is a mutex?

        A lock.

        ## What is a semaphore?

        A counter.
        """

    /// Imports the folder `docs` (or `vault`) holding `files`, parsed by relative path.
    func read(_ files: [String: String]) throws -> [String: ParsedSource] {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        for (name, text) in files { try dir.write(name, text) }
        let reader = SourceReader()
        var result: [String: ParsedSource] = [:]
        let root = try #require(Set(files.keys.compactMap { $0.split(separator: "/").first.map(String.init) }).first)
        for file in try reader.read(dir.path + "/" + root) {
            result[String(file.path.dropFirst(dir.path.count + 1))] = try reader.parse(file)
        }
        return result
    }

    @Test func eachFileIsOneNoteWithItsTitleAsTheFront() throws {
        let parsed = try read(["docs/install.md": Self.install, "docs/closure.md": Self.closure,
                               "docs/lang/generators.md": Self.generators, "docs/bank.md": Self.bank])
        let install = try #require(parsed["docs/install.md"]?.notes)
        #expect(install.map(\.front) == ["Installing recall"])
        #expect(install.map(\.line) == [2])
        #expect(install[0].back == "Build it with SwiftPM.\n\n## Linux\n\n```sh\nswift build -c release\n```\n\n## macOS\n\nUse Xcode 16 or later.")
        #expect(parsed["docs/install.md"]?.skipped.map(\.line) == [5])
        #expect(parsed["docs/closure.md"]?.notes.map(\.front) == ["What is a closure?"])
        #expect(parsed["docs/closure.md"]?.notes.first?.back == "A function together with the variables it captured.\n\n## Example\n\n`make_counter()` returns one.")
        #expect(parsed["docs/lang/generators.md"]?.notes.map(\.front) == ["Generators"])
        #expect(parsed["docs/lang/generators.md"]?.notes.first?.back == "Functions that `yield` values lazily.")
        // A question bank among them is read as a bank.
        #expect(parsed["docs/bank.md"]?.notes.map(\.front) == ["What is a mutex?", "What is a semaphore?"])
        // Pages go to their folder's deck, not a deck each; the bank keeps its own.
        #expect(parsed["docs/install.md"]?.notes.first?.deck == "docs")
        #expect(parsed["docs/closure.md"]?.notes.first?.deck == "docs")
        #expect(parsed["docs/lang/generators.md"]?.notes.first?.deck == "lang")
        #expect(parsed["docs/bank.md"]?.notes.first?.deck == "bank")
    }

    @Test func aFileImportedAloneIsReadAsWithItsFolder() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let install = try dir.write("docs/install.md", Self.install)
        try dir.write("docs/closure.md", Self.closure)
        let alone = try SourceReader().read(install)
        #expect(alone.first?.isOneQuestion == true)
        #expect(alone.first?.deckName == "docs")
        #expect(try SourceReader().parse(alone[0]).notes.map(\.front) == ["Installing recall"])
        // Beside question banks it is read as before.
        let other = try TemporaryDirectory()
        defer { other.cleanUp() }
        let lone = try other.write("banks/install.md", Self.install)
        try other.write("banks/a.md", Self.bank)
        try other.write("banks/b.md", Self.bank)
        #expect(try SourceReader().read(lone).first?.isOneQuestion == false)
    }

    @Test func aFolderOfQuestionBanksIsReadFileByFileAsBefore() throws {
        let other = Self.bank.replacingOccurrences(of: "mutex", with: "monitor")
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("a.md", Self.bank)
        try dir.write("b.md", other)
        try dir.write("c.md", Self.generators)
        let files = try SourceReader().read(dir.path)
        #expect(files.allSatisfy { !$0.isOneQuestion })
    }

    @Test func aNoteWithExplicitCardsIsNotOneQuestion() throws {
        let parsed = try read(["vault/a.md": Self.closure, "vault/b.md": Self.generators,
                               "vault/cards.md": "# Capitals\n\nFrance :: Paris\nPeru :: Lima\n"])
        #expect(parsed["vault/cards.md"]?.notes.map(\.front) == ["France", "Peru"])
        #expect(parsed["vault/a.md"]?.notes.map(\.front) == ["What is a closure?"])
        // Nor is a note tagged for Obsidian Spaced Repetition.
        let tagged = try read(["vault/a.md": Self.closure, "vault/b.md": Self.generators,
                               "vault/t.md": "#flashcards\n\n# Tagged\n\nNo cards yet.\n"])
        #expect(tagged["vault/t.md"]?.notes.isEmpty == true)
    }

    @Test func theFrontMatterTitleIsReadUnquoted() {
        #expect(OneQuestionFile.frontMatterTitle("---\ntitle: 'A: B'\n---\nx")?.text == "A: B")
        #expect(OneQuestionFile.frontMatterTitle("---\nid: 3\ntitle: Plain\n---\n")?.line == 3)
        #expect(OneQuestionFile.frontMatterTitle("---\nid: 3\n---\ntitle: not front matter\n") == nil)
        #expect(OneQuestionFile.frontMatterTitle("title: x\n") == nil)
        // Nested keys are not the page's title; Hugo's TOML front matter is read too.
        #expect(OneQuestionFile.frontMatterTitle("---\nseo:\n  title: Nested\ntitle: Page\n---\n")?.text == "Page")
        #expect(OneQuestionFile.frontMatterTitle("+++\ntitle = \"Hugo page\"\ndate = 2024-01-01\n+++\nBody\n")?.text == "Hugo page")
        #expect(MarkdownParser.withoutFrontMatter("+++\ntitle = \"T\"\n+++\nBody\n") == "\n\n\nBody\n")
    }
}
