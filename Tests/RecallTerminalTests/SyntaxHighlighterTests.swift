import Testing
import RecallTerminal

@Suite struct SyntaxHighlighterTests {
    /// The tokens of one line, without plain ones, as (text, kind) pairs.
    func coloured(_ code: String, _ language: CodeLanguage) -> [[String]] {
        SyntaxHighlighter.highlight(code, language: language).map { line in
            line.filter { $0.kind != .plain }.map { "\($0.kind):\($0.text)" }
        }
    }

    @Test(arguments: [
        ("python", "def f(x):\n    return x", "def"),
        ("py", "import os", "import"),
        ("swift", "let x = 1", "let"),
        ("bash", "if true; then echo; fi", "then"),
        ("sh", "for f in *; do :; done", "done"),
        ("zsh", "while true; do :; done", "while"),
        ("sql", "SELECT * FROM cards", "SELECT"),
        ("sqlite", "select 1", "select"),
    ])
    func keywordsGetTheKeywordColourWhenColoursAreOn(_ language: String, _ code: String, _ keyword: String) {
        let lines = render("```\(language)\n\(code)\n```", width: 60, colors: true)
        #expect(lines.joined().contains("\(esc)[1;35m\(keyword)\(esc)[0m"))
    }

    @Test(arguments: ["python", "swift", "bash", "console", "json", "sql"])
    func withoutColoursHighlightedCodeHasNoEscapeAtAll(_ language: String) {
        let lines = render("```\(language)\n$ echo \"x\" # 1 true\n```", width: 60, colors: false)
        #expect(!lines.joined().contains(esc))
    }

    @Test func pythonStringsCommentsNumbersAndDecorators() {
        let code = "@cache\ndef f(n=10):  # memo\n    return f'{n}' + r\"\\d\" + None"
        #expect(coloured(code, .python) == [
            ["attribute:@cache"],
            ["keyword:def", "number:10", "comment:# memo"],
            ["keyword:return", "string:f'{n}'", "string:r\"\\d\"", "literal:None"],
        ])
    }

    @Test func pythonTripleQuotedStringsSpanLines() {
        #expect(
            coloured("x = \"\"\"a\nb\"\"\" # c", .python)
                == [["string:\"\"\"a"], ["string:b\"\"\"", "comment:# c"]])
    }

    @Test func swiftTypesAttributesNestedCommentsAndStrings() {
        let code = "@MainActor struct A { /* x /* y */ z */ var s: String = \"q\\\"\" }"
        #expect(coloured(code, .swift) == [[
            "attribute:@MainActor", "keyword:struct", "type:A", "comment:/* x /* y */ z */",
            "keyword:var", "type:String", "string:\"q\\\"\"",
        ]])
    }

    @Test func shellVariablesCommentsAndQuoting() {
        let code = "echo \"$HOME\" ${X} $1 a#b # note\nexport PATH='x\\'"
        #expect(coloured(code, .shell) == [
            ["type:echo", "string:\"$HOME\"", "variable:${X}", "variable:$1", "comment:# note"],
            ["keyword:export", "string:'x\\'"],
        ])
    }

    @Test func consoleSessionsColourCommandsButNotOutput() {
        let code = "$ ls -l # list\nif output"
        #expect(coloured(code, .console) == [["prompt:$", "type:ls", "comment:# list"], []])
    }

    @Test func jsonKeysDifferFromStringValues() {
        let code = "{\"id\": 12, \"name\" : \"x\", \"ok\": true, \"n\": null, \"f\": -1.5e3}"
        #expect(coloured(code, .json) == [[
            "key:\"id\"", "number:12", "key:\"name\"", "string:\"x\"", "key:\"ok\"", "literal:true",
            "key:\"n\"", "literal:null", "key:\"f\"", "number:1.5e3",
        ]])
    }

    @Test func sqlKeywordsInAnyCaseDoubledQuotesAndComments() {
        let code = "Select name FROM t WHERE x = 'it''s' AND n > 3 -- note\n/* a */ INSERT INTO t VALUES (NULL)"
        #expect(coloured(code, .sql) == [
            [
                "keyword:Select", "keyword:FROM", "keyword:WHERE", "string:'it''s'", "keyword:AND", "number:3",
                "comment:-- note",
            ],
            ["comment:/* a */", "keyword:INSERT", "keyword:INTO", "keyword:VALUES", "literal:NULL"],
        ])
    }

    @Test(arguments: [
        ("python", CodeLanguage.python), ("py", .python), ("Python3", .python), ("swift", .swift),
        ("bash", .shell), ("sh", .shell), ("zsh", .shell), ("shell", .shell), ("console", .console),
        ("json", .json), ("sql", .sql), ("postgresql", .sql), ("{.json}", .json), ("python title=\"x\"", .python),
    ])
    func infoStringsNameTheirLanguage(_ info: String, _ language: CodeLanguage) {
        #expect(CodeLanguage(infoString: info) == language)
    }

    @Test func unknownLanguagesAreNotRecognised() {
        #expect(CodeLanguage(infoString: "cobol") == nil)
        #expect(CodeLanguage(infoString: "") == nil)
        #expect(SyntaxHighlighter.highlight("if x", language: nil) == [[Token("if x", .plain)]])
    }

    @Test func unterminatedStringsEndAtTheLineEnd() {
        #expect(coloured("x = \"open\ny = 2", .python) == [["string:\"open"], ["number:2"]])
    }
}
