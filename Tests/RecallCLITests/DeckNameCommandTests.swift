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

    // MARK: One rule for deck names

    /// Each refused the same way wherever the name comes from, and the store is left as it was.
    static let invalidNames: [(name: String, reason: String)] = [
        ("::", "invalid deck name \"::\": it has an empty part (nothing before, after or between \"::\")"),
        ("a::::b", "invalid deck name \"a::::b\": it has an empty part (nothing before, after or between \"::\")"),
        ("a::", "invalid deck name \"a::\": it has an empty part (nothing before, after or between \"::\")"),
        (" bad", "invalid deck name \" bad\": it starts or ends with a space"),
        ("bad deck ", "invalid deck name \"bad deck \": it starts or ends with a space"),
        ("a:: b", "invalid deck name \"a:: b\": its part \" b\" starts or ends with a space"),
        ("h\u{1B}[31m", "invalid deck name \"h\\u001b[31m\": it contains a control character (U+001B)"),
        ("two\nlines", "invalid deck name \"two\\nlines\": it contains a control character (U+000A)"),
        ("", "invalid deck name \"\": it is empty"),
        ("a:::b", "invalid deck name \"a:::b\": its part \":b\" starts or ends with \":\" "
            + "(sub-decks are separated by exactly \"::\")"),
        ("a:::::b::c", "invalid deck name \"a:::::b::c\": it has an empty part (nothing before, after or between \"::\")"),
        ("a:", "invalid deck name \"a:\": it starts or ends with \":\""),
        (":a::b", "invalid deck name \":a::b\": it starts or ends with \":\""),
        ("a:b:::c::d", "invalid deck name \"a:b:::c::d\": its part \":c\" starts or ends with \":\" "
            + "(sub-decks are separated by exactly \"::\")"),
    ]

    @Test(arguments: invalidNames.indices)
    func anInvalidDeckNameIsRefusedByEveryCommandThatTakesOne(index: Int) throws {
        let (name, reason) = Self.invalidNames[index]
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "X", "--front", "q", "--back", "a"])
        try "front\tback\n".write(toFile: sandbox.path("bank.tsv"), atomically: true, encoding: .utf8)
        let before = try sandbox.ok(["export"])
        let error = "recall: error: " + reason
        #expect(try sandbox.fails(["add", "--deck", name, "--front", "q2", "--back", "a2"]) == error)
        #expect(try sandbox.fails(["deck", "rename", "X", name]) == error)
        #expect(try sandbox.fails(["import", sandbox.path("bank.tsv"), "--deck", name]) == error)
        #expect(try sandbox.fails(["config", "--deck", name, "desired_retention", "0.85"]) == error)
        #expect(try sandbox.ok(["export"]) == before)
    }

    @Test func aDelimitedFileNamesAnInvalidDeckWithItsLine() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let header = sandbox.path("header.tsv")
        try "#separator:tab\n#deck:a::::b\nfront\tback\n".write(toFile: header, atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["import", header])
            == "recall: error: \(header):2: invalid deck name \"a::::b\": it has an empty part (nothing before, after or between \"::\")")
        let column = sandbox.path("column.tsv")
        try "#separator:tab\n#deck column:3\nq1\ta1\tGood::Deck\nq2\ta2\tBad\u{1B}[2J\n".write(toFile: column, atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["import", column])
            == "recall: error: \(column):4: invalid deck name \"Bad\\u001b[2J\": it contains a control character (U+001B)")
        // A deck column's cell is trimmed like the #deck: header's value.
        try "#separator:tab\n#deck column:3\nq1\ta1\t Spaced \n".write(toFile: column, atomically: true, encoding: .utf8)
        try sandbox.ok(["import", column])
        #expect(try deckNames(sandbox) == ["Spaced"])
    }

    @Test func aDeckNameFromAFileNameIsCheckedToo() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("banks/ lead.md")
        try FileManager.default.createDirectory(atPath: sandbox.path("banks"), withIntermediateDirectories: true)
        try "Q: q?\nA: a.\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["import", sandbox.path("banks")])
            == "recall: error: \(path): invalid deck name \" lead\" (from the file's name): it starts or ends with a space; name the deck with --deck")
        try sandbox.ok(["import", sandbox.path("banks"), "--deck", "Lead"])
        #expect(try deckNames(sandbox) == ["Lead"])
    }

    @Test func aNotFoundDeckNameIsShownWithItsControlCharactersEscaped() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        #expect(try sandbox.fails(["list", "--deck", "x\u{1B}]0;owned\u{07}"]) == "recall: error: deck \"x\\u001b]0;owned\\u0007\" not found")
    }
}
