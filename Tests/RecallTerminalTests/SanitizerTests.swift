import Testing
import RecallTerminal

@Suite struct SanitizerTests {
    @Test func retitleAndClearSequencesBecomeVisiblePlaceholders() {
        let hostile = "Q\u{1B}]0;pwned\u{07}\u{1B}[2J"
        #expect(Sanitizer.sanitize(hostile) == "Q␛]0;pwned␇␛[2J")
    }

    @Test func cardThatRetitlesAndClearsTheTerminalRendersWithoutEscape() {
        let card = "What is 2+2?\u{1B}]0;pwned\u{07}\u{1B}[2J"
        for colors in [false, true] {
            let lines = render(card, width: 60, colors: colors)
            let visible = lines.map(strippingSGR)
            #expect(visible == ["What is 2+2?␛]0;pwned␇␛[2J"])
            #expect(!visible.joined().contains(esc))
            #expect(!lines.joined().contains("\u{07}"))
        }
    }

    @Test func escapesWrittenAsHTMLEntitiesAreCaughtAfterParsing() {
        // cmark decodes numeric character references into real control characters.
        let lines = render("a &#27;]0;pwned&#7; b &#x9B;2J", width: 60, colors: true)
        let visible = lines.map(strippingSGR).joined()
        #expect(visible == "a ␛]0;pwned␇ b <U+009B>2J")
    }

    @Test func escapesInCodeBlocksLinksAndFenceInfoAreNeutralised() {
        let card = """
            [click](http://x/\u{1B}[2J) `\u{1B}[31m`

            ```py\u{1B}[5m
            print("\u{1B}]52;c;aGk=\u{07}")
            ```
            """
        let visible = render(card, width: 60, colors: true).map(strippingSGR).joined(separator: "\n")
        #expect(!containsControlCharacters(visible))
        #expect(visible.contains("␛]52;c;aGk=␇"))
        #expect(visible.contains("http://x/␛[2J"))
    }

    @Test(arguments: [
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C, 0xFEFF,
        0x2028, 0x2029, 0xE0041,
    ] as [UInt32])
    func bidiOverridesAndInvisibleFormatCharactersAreNamed(_ value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        let hex = String(value, radix: 16, uppercase: true)
        let name = "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
        #expect(Sanitizer.sanitize("a\(scalar)b") == "a\(name)b")
    }

    @Test func c1ControlsAreNamedAndC0ControlsBecomeControlPictures() {
        #expect(Sanitizer.sanitize("\u{9B}2J") == "<U+009B>2J")
        #expect(Sanitizer.sanitize("\u{85}") == "<U+0085>")
        #expect(Sanitizer.sanitize("\u{00}\u{01}\u{08}\u{1B}\u{1F}\u{7F}") == "␀␁␈␛␟␡")
    }

    @Test func outputNeverContainsAControlCharacterOtherThanNewline() {
        var everything = ""
        for value in 0..<0x3000 as Range<UInt32> {
            if let scalar = Unicode.Scalar(value) { everything.unicodeScalars.append(scalar) }
        }
        let sanitized = Sanitizer.sanitize(everything)
        #expect(!containsControlCharacters(sanitized))
        #expect(!sanitized.utf8.contains { $0 < 0x20 && $0 != 0x0A })
        #expect(!Sanitizer.sanitize(everything, keepNewlines: false).contains("\n"))
    }

    @Test(arguments: [
        ("a\tb", "a   b"),
        ("abcd\tx", "abcd    x"),
        ("\tx", "    x"),
        ("ab\n\tc", "ab\n    c"),
        ("漢\tx", "漢  x"),
    ])
    func tabsExpandToTheNextMultipleOfFourInTheirLine(_ input: String, _ expected: String) {
        #expect(Sanitizer.sanitize(input) == expected)
    }

    @Test func windowsLineEndingsBecomeNewlinesAndALoneCarriageReturnIsShown() {
        #expect(Sanitizer.sanitize("a\r\nb\rc\r") == "a\nb␍c␍")
    }

    @Test func emojiSequencesCJKAndCombiningMarksPassUnchanged() {
        let text = "家族 👨‍👩‍👧 🇫🇷 e\u{301} ❤️ नमस्ते"
        #expect(Sanitizer.sanitize(text) == text)
        #expect(Sanitizer.isSafe(text))
    }

    @Test func sanitizingIsIdempotent() {
        let once = Sanitizer.sanitize("x\u{1B}[2J\t\u{202E}y\r")
        #expect(Sanitizer.sanitize(once) == once)
    }

    @Test func spansSanitizeWhateverTextTheyAreGiven() {
        let span = Span("\u{1B}[2Jx\ny")
        #expect(span.text == "␛[2Jx␤y")
        let line = ANSIWriter(colors: true).string(for: StyledLine([span]))
        #expect(!strippingSGR(line).contains(esc))
    }
}
