import Testing
import RecallTerminal

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("hello", 5),
        ("", 0),
        ("漢字", 4),
        ("かな", 4),
        ("한국어", 6),
        ("ＡＢ", 4),
        ("😀", 2),
        ("e\u{301}", 1),
        ("a\u{20DD}", 1),
        ("👨‍👩‍👧", 2),
        ("🇫🇷", 2),
        ("❤️", 2),
        ("👍🏽", 2),
        ("1️⃣", 2),
        ("café ☕", 7),
        ("Ω≈ç√", 4),
        ("│─┌", 3),
    ])
    func columnsMatchWhatTerminalsDraw(_ text: String, _ columns: Int) {
        #expect(DisplayWidth.of(text) == columns)
    }

    @Test func combiningMarksTakeNoColumnOfTheirOwn() {
        #expect(DisplayWidth.of("\u{301}" as Unicode.Scalar) == 0)
        #expect(DisplayWidth.of("\u{200D}" as Unicode.Scalar) == 0)
        #expect(DisplayWidth.of("\u{FE0F}" as Unicode.Scalar) == 0)
    }

    @Test func characterWidthAgreesWithStringWidth() {
        for character in ["a", "漢", "😀", "e\u{301}", "🇫🇷", "👨‍👩‍👧"] as [Character] {
            #expect(DisplayWidth.of(character) == DisplayWidth.of(String(character)))
        }
    }
}

@Suite struct WrappingTests {
    @Test func paragraphsWrapAtWordBoundariesWithinTheWidth() {
        let words = (1...60).map { "word\($0)" }
        let lines = render(words.joined(separator: " "), width: 30)
        #expect(lines.count > 1)
        for line in lines { #expect(DisplayWidth.of(line) <= 30) }
        #expect(lines.joined(separator: " ").split(separator: " ").map(String.init) == words)
    }

    @Test func aVeryLongLineWithoutSpacesIsBrokenAtTheWidth() {
        let long = String(repeating: "abcdefghij", count: 50)
        let lines = render(long, width: 40)
        #expect(lines.count == 13)
        #expect(lines.dropLast().allSatisfy { $0.count == 40 })
        #expect(lines.joined() == long)
    }

    @Test func aLongWordAfterShortOnesStartsOnItsOwnLine() {
        let lines = render("see https://example.com/a/very/long/path/that/does/not/fit", width: 20)
        #expect(lines.first == "see")
        #expect(lines.dropFirst().joined() == "https://example.com/a/very/long/path/that/does/not/fit")
    }

    @Test func cjkTextWrapsByColumnsNotCharacters() {
        let text = String(repeating: "漢字かな", count: 10)
        let lines = render(text, width: 11)
        for line in lines { #expect(DisplayWidth.of(line) <= 11) }
        #expect(DisplayWidth.of(lines[0]) == 10)
        #expect(lines.joined() == text)
    }

    @Test func emojiAndCombiningMarksAreMeasuredAndNeverSplit() {
        let text = String(repeating: "😀e\u{301}👨‍👩‍👧", count: 10)
        let lines = render(text, width: 7)
        for line in lines { #expect(DisplayWidth.of(line) <= 7) }
        #expect(lines.joined() == text)
        #expect(lines[0] == "😀e\u{301}👨‍👩‍👧😀")
    }

    @Test func hardLineBreaksAreKept() {
        #expect(render("one  \ntwo\\\nthree", width: 40) == ["one", "two", "three"])
    }

    @Test func softLineBreaksJoinWithASpace() {
        #expect(render("one\ntwo", width: 40) == ["one two"])
    }

    @Test func styledWordsStayTogetherWithTheirPunctuation() {
        let lines = render("aaaa **bold**, next", width: 10, colors: true).map(strippingSGR)
        #expect(lines == ["aaaa bold,", "next"])
    }

    /// From 2 columns up: a wide character cannot fit in a 1-column terminal at all.
    @Test(arguments: 2...24)
    func noRenderedLineIsWiderThanTheWidth(_ width: Int) {
        let card = """
            # A heading that is long
            Text with **bold**, *italic*, `code`, [a link](https://example.com/path) and 漢字😀.

            1. first item with several words
               - nested bullet with words
            2. second

            > quoted text that wraps

            ```swift
            let value = compute(argument: 42) // a comment that is long
            ```
            """
        for colors in [false, true] {
            for line in render(card, width: width, colors: colors) {
                #expect(DisplayWidth.of(strippingSGR(line)) <= width, "\(line)")
            }
        }
    }
}
