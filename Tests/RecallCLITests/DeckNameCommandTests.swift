import Foundation
import Testing

/// Deck names as commands take them: a parent that exists only as the prefix of its sub-decks,
/// and the one rule for names wherever they enter.
@Suite struct DeckNameCommandTests {
    /// A store with a folder imported as `lang/go.md` and `lang/rust.md`: decks `lang::go` and
    /// `lang::rust`, and no deck called `lang`; plus a deck `language`, which is not under it.
    func nested() throws -> RecallSandbox {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        for (name, question) in [("go", "What is a goroutine?"), ("rust", "What is a borrow?")] {
            let path = sandbox.path("banks/lang/\(name).md")
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "Q: \(question)\nA: Something.\n".write(toFile: path, atomically: true, encoding: .utf8)
        }
        try sandbox.ok(["import", sandbox.path("banks")])
        try sandbox.ok(["add", "--deck", "language", "--front", "Not under lang", "--back", "no"])
        return sandbox
    }

    func deckNames(_ sandbox: RecallSandbox) throws -> [String] {
        try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]]).compactMap { $0["name"] as? String }
    }

    @Test func listAndExportOfAParentOnlyNameCoverItsSubDecks() throws {
        let sandbox = try nested()
        #expect(try deckNames(sandbox) == ["lang::go", "lang::rust", "language"])
        let listed = try #require(try sandbox.json(["list", "--deck", "lang", "--json"]) as? [[String: Any]])
        #expect(listed.compactMap { $0["deck"] as? String } == ["lang::go", "lang::rust"])
        let export = try #require(try JSONSerialization.jsonObject(with: Data(try sandbox.ok(["export", "--deck", "lang"]).utf8)) as? [String: Any])
        #expect((export["decks"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["lang::go", "lang::rust"])
        // A name must be whole parts: "lan" is not a parent of "lang::go".
        #expect(try sandbox.fails(["list", "--deck", "lan"]) == "recall: error: deck \"lan\" not found")
        #expect(try sandbox.fails(["export", "--deck", "lan"]) == "recall: error: deck \"lan\" not found")
    }

    @Test func renamingAParentOnlyNameRenamesItsSubDecks() throws {
        let sandbox = try nested()
        #expect(try sandbox.ok(["deck", "rename", "lang", "x"]) == "renamed deck \"lang\" to \"x\"\n")
        #expect(try deckNames(sandbox) == ["language", "x::go", "x::rust"])
        #expect(try sandbox.fails(["deck", "rename", "lang", "y"]) == "recall: error: deck \"lang\" not found")
    }

    @Test func configOfAParentOnlyNameIsRefusedWithTheReason() throws {
        let sandbox = try nested()
        let before = try sandbox.ok(["export"])
        let expected = "recall: error: deck \"lang\" has no options of its own: it only groups its sub-decks "
            + "(\"lang::go\", \"lang::rust\"), and options are set per deck; give one of them with --deck"
        #expect(try sandbox.fails(["config", "--deck", "lang", "desired_retention", "0.85"]) == expected)
        #expect(try sandbox.fails(["config", "--deck", "lang"]) == expected)
        #expect(try sandbox.ok(["export"]) == before)
        #expect(try sandbox.ok(["config", "--help"]).contains("sub-decks"))
    }
}
