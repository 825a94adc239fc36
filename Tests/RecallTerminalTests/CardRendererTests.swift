import Testing
import RecallTerminal

@Suite struct CardRendererTests {
    @Test func emphasisStrongAndInlineCodeGetDistinctStylesWithColours() {
        let line = render("a **b** *c* `d`", colors: true)
        #expect(line == ["a \(esc)[1mb\(esc)[0m \(esc)[3mc\(esc)[0m \(esc)[36md\(esc)[0m"])
    }

    @Test func withoutColoursOutputIsPlainTextAndCodeKeepsItsBackticks() {
        let lines = render("# Title\n\na **b** *c* `d`\n\n```python\ndef f(): pass\n```", colors: false)
        #expect(!lines.joined().contains(esc))
        #expect(lines[2] == "a b c `d`")
        #expect(lines.contains("│ def f(): pass │"))
    }

    @Test func linksShowTheirTextAndADimURL() {
        #expect(render("see [docs](https://x.org/a)") == ["see docs (https://x.org/a)"])
        let coloured = render("[docs](https://x.org/a)", colors: true)
        #expect(coloured == ["\(esc)[4;34mdocs\(esc)[0m\(esc)[2m (https://x.org/a)\(esc)[0m"])
    }

    @Test func autolinksShowTheURLOnce() {
        #expect(render("<https://x.org>") == ["https://x.org"])
        #expect(render("<me@x.org>") == ["me@x.org"])
    }

    @Test func imagesShowTheirNameAndAltText() {
        #expect(render("![a cat](cat.png)") == ["[image: cat.png] a cat"])
        #expect(render("![](cat.png)") == ["[image: cat.png]"])
    }

    @Test func bulletListsHaveAHangingIndent() {
        let lines = render("- first item wraps onto a second line\n- second", width: 20)
        #expect(lines == ["• first item wraps", "  onto a second line", "• second"])
    }

    @Test func numberedListsAlignTheirTextAfterTwoDigitNumbers() {
        let markdown = (8...11).map { "\($0). item" }.joined(separator: "\n")
        #expect(render(markdown) == [" 8. item", " 9. item", "10. item", "11. item"])
    }

    @Test func nestedListsIndentAndChangeBullet() {
        let lines = render("- outer\n  - inner\n    - deepest\n- back")
        #expect(lines == ["• outer", "  ◦ inner", "    ▪ deepest", "• back"])
    }

    @Test func looseListsKeepABlankLineBetweenItems() {
        #expect(render("- one\n\n- two") == ["• one", "", "• two"])
    }

    @Test func orderedListsStartAtTheirFirstNumberAndKeepParenthesisDelimiters() {
        #expect(render("3) three\n4) four") == ["3) three", "4) four"])
    }

    @Test func blockQuotesHaveABarOnEveryLine() {
        let lines = render("> a quote long enough to wrap twice", width: 16)
        #expect(lines == ["│ a quote long", "│ enough to wrap", "│ twice"])
    }

    @Test func headingsAreStyledAndSeparatedFromTheNextBlock() {
        #expect(render("# Title\ntext") == ["Title", "", "text"])
        #expect(render("## Sub", colors: true) == ["\(esc)[1;35mSub\(esc)[0m"])
    }

    @Test func thematicBreaksSpanTheWidth() {
        #expect(render("a\n\n---\n\nb", width: 10) == ["a", "", "──────────", "", "b"])
    }

    @Test func emptyCardRendersNoLines() {
        #expect(render("") == [])
    }

    @Test func rawHTMLIsShownAsText() {
        #expect(render("<b>hi</b>") == ["<b>hi</b>"])
    }

    @Test func deeplyNestedQuotesDoNotExhaustTheStackOrTheWidth() {
        let lines = render(String(repeating: ">", count: 5000) + " deep", width: 40)
        #expect(lines.contains { $0.contains("deep") })
        for line in lines { #expect(DisplayWidth.of(line) <= 40) }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6])
    func tinyWidthsStillRenderEveryCharacter(_ width: Int) {
        let lines = render("- `x` **yz**\n\n```sh\necho hi\n```", width: width)
        for line in lines { #expect(DisplayWidth.of(line) <= width) }
        let all = lines.joined()
        #expect(all.contains("y") && all.contains("h"))
    }
}

@Suite struct CodeFrameTests {
    @Test func fencedCodeIsFramedWithItsLanguageInTheTopBorder() {
        let lines = render("```python\nx = 1\n```", width: 40)
        #expect(lines == [
            "┌─ python ─┐",
            "│ x = 1    │",
            "└──────────┘",
        ])
    }

    @Test func theFrameFitsTheLongestLine() {
        let lines = render("```\nshort\na longer line here\n```", width: 40)
        #expect(lines == [
            "┌────────────────────┐",
            "│ short              │",
            "│ a longer line here │",
            "└────────────────────┘",
        ])
    }

    @Test func longCodeLinesWrapInsideTheFrameAfterAContinuationSign() {
        let code = "print(\"" + String(repeating: "a", count: 30) + "\")"
        let lines = render("```python\n\(code)\n```", width: 20)
        #expect(lines.allSatisfy { DisplayWidth.of($0) == 20 })
        #expect(lines[1] == "│ print(\"aaaaaaaaa │")
        #expect(lines[2].hasPrefix("│ ↪ aaaaaaaaaaaaaa"))
        let content = lines.dropFirst().dropLast().map { line in
            String(line.dropFirst(2).dropLast(2)).replacingOccurrences(of: "↪ ", with: "")
                .trimmingCharacters(in: " ")
        }
        #expect(content.joined() == code)
    }

    @Test func indentationAndTabsInCodeArePreserved() {
        let lines = render("```\nif x:\n\treturn 1\n```", width: 40)
        #expect(lines[2] == "│     return 1 │")
    }

    @Test func codeInsideAListItemIsFramedWithinTheIndent() {
        let lines = render("- item\n\n  ```sh\n  ls\n  ```", width: 30)
        #expect(lines == ["• item", "", "  ┌─ sh ─┐", "  │ ls   │", "  └──────┘"])
    }

    @Test func theFrameIsDimAndTheLabelBoldWithColours() {
        let lines = render("```json\n1\n```", colors: true)
        #expect(lines[0].hasPrefix("\(esc)[2m┌─ \(esc)[0m\(esc)[1;36mjson\(esc)[0m"))
    }

    @Test func unknownLanguagesAreFramedButNotColoured() {
        let lines = render("```cobol\nMOVE 1 TO X.\n```", colors: true)
        #expect(lines[1] == "\(esc)[2m│ \(esc)[0mMOVE 1 TO X.\(esc)[2m │\(esc)[0m")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }

    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop(while: { $0 == character }).reversed().drop(while: { $0 == character }).reversed())
    }
}
