import Testing
import RecallTerminal

@Suite struct ScreenTests {
    @Test func aFrameFillsEveryRowAndPutsTheStatusBarLast() {
        let screen = Screen(size: TerminalSize(rows: 5, columns: 20), colors: false)
        var virtual = VirtualScreen(rows: 5, columns: 20)
        virtual.feed(String(repeating: "old junk everywhere\r\n", count: 5))
        virtual.feed(screen.frame(lines: ["first", "second"], status: "3 due"))
        #expect(virtual.lines == ["first", "second", "", "", "3 due"])
    }

    @Test func contentBeyondTheScreenIsLeftOut() {
        let screen = Screen(size: TerminalSize(rows: 3, columns: 10), colors: false)
        var virtual = VirtualScreen(rows: 3, columns: 10)
        virtual.feed(screen.frame(lines: ["1", "2", "3", "4"], status: "s"))
        #expect(virtual.lines == ["1", "2", "s"])
    }

    @Test func theStatusBarIsSanitizedAndCutToTheWidth() {
        let screen = Screen(size: TerminalSize(rows: 2, columns: 10), colors: false)
        let bar = screen.statusBar("deck\u{1B}]0;x\u{07}\nname that is long")
        #expect(bar == "\(esc)[Kdeck␛]0;x␇")
    }

    @Test func theStatusBarIsReverseVideoAcrossTheWholeRowWithColours() {
        let screen = Screen(size: TerminalSize(rows: 2, columns: 6), colors: true)
        #expect(screen.statusBar("ab") == "\(esc)[K\(esc)[7mab    \(esc)[0m")
    }

    @Test func fullWidthLinesKeepTheirLastCharacter() {
        let screen = Screen(size: TerminalSize(rows: 3, columns: 4), colors: true)
        var virtual = VirtualScreen(rows: 3, columns: 4)
        virtual.feed(screen.frame(lines: ["abcd", "\(esc)[1mefgh\(esc)[0m"], status: "wxyz"))
        #expect(virtual.lines == ["abcd", "efgh", "wxyz"])
    }

    @Test func aFrameIsOneStringWithNoClearScreen() {
        let frame = Screen(size: TerminalSize(rows: 3, columns: 10), colors: false).frame(lines: ["a"], status: "b")
        #expect(frame.hasPrefix("\(esc)[?2026h\(esc)[H"))
        #expect(!frame.contains("\(esc)[2J"))
    }

    @Test func viewportScrollingStopsAtBothEnds() {
        var viewport = Viewport(contentHeight: 10, visibleHeight: 4)
        viewport.scroll(by: -3)
        #expect(viewport.offset == 0)
        viewport.page(down: true)
        #expect(viewport.offset == 3)
        viewport.scroll(by: 100)
        #expect(viewport.offset == 6)
        #expect(!viewport.canScrollDown)
        #expect(viewport.visible(Array(0..<10)) == [6, 7, 8, 9])
    }

    @Test func viewportStaysInRangeWhenAResizeShortensTheContent() {
        var viewport = Viewport(contentHeight: 30, visibleHeight: 10, offset: 20)
        viewport.resize(contentHeight: 12, visibleHeight: 10)
        #expect(viewport.offset == 2)
        viewport.resize(contentHeight: 5, visibleHeight: 10)
        #expect(viewport.offset == 0)
        #expect(viewport.visibleRange == 0..<5)
    }
}

@Suite struct ColorSupportTests {
    @Test(arguments: [
        ([:], true, true),
        (["NO_COLOR": "1"], true, false),
        (["NO_COLOR": ""], true, true),
        (["TERM": "dumb"], true, false),
        (["TERM": "xterm-256color"], false, false),
        ([:], false, false),
    ] as [([String: String], Bool, Bool)])
    func coloursFollowNoColorAndAreOffWhenOutputIsNotATerminal(
        _ environment: [String: String], _ isTerminal: Bool, _ expected: Bool
    ) {
        #expect(ColorSupport.enabled(environment: environment, outputIsTerminal: isTerminal) == expected)
    }
}

@Suite struct VirtualScreenTests {
    @Test func textAndLineBreaksLandInRows() {
        var screen = VirtualScreen(rows: 3, columns: 10)
        screen.feed("ab\r\ncd")
        #expect(screen.lines == ["ab", "cd", ""])
    }

    @Test func cursorPositioningAndErasing() {
        var screen = VirtualScreen(rows: 3, columns: 10)
        screen.feed("xxxxxxxxxx\r\nyyyyyyyyyy\r\nzzzzzzzzzz")
        screen.feed("\(esc)[2;3H\(esc)[K")
        screen.feed("\(esc)[1;5H\(esc)[1K")
        screen.feed("\(esc)[3;1HQ")
        #expect(screen.lines == ["     xxxxx", "yy", "Qzzzzzzzzz"])
        screen.feed("\(esc)[2J")
        #expect(screen.text == "")
    }

    @Test func relativeCursorMoves() {
        var screen = VirtualScreen(rows: 3, columns: 10)
        screen.feed("\(esc)[2B\(esc)[3Ca\(esc)[A\(esc)[2Db")
        #expect(screen.lines == ["", "  b", "   a"])
    }

    @Test func sgrAndTitlesAreNotShownButTitlesAreRecorded() {
        var screen = VirtualScreen(rows: 2, columns: 20)
        screen.feed("\(esc)[1;31mred\(esc)[0m\(esc)]0;title\u{07}!")
        #expect(screen.lines == ["red!", ""])
        #expect(screen.oscStrings == ["0;title"])
    }

    @Test func theAlternateScreenKeepsTheMainScreenUntilItIsLeft() {
        var screen = VirtualScreen(rows: 2, columns: 10)
        screen.feed("shell$")
        screen.feed("\(esc)[?1049h\(esc)[?25l")
        #expect(screen.isAlternateScreen && !screen.cursorVisible)
        #expect(screen.text == "")
        screen.feed("card")
        screen.feed("\(esc)[?25h\(esc)[?1049l")
        #expect(!screen.isAlternateScreen && screen.cursorVisible)
        #expect(screen.text == "shell$")
    }

    @Test func longLinesAutoWrapAndTheBottomRowScrolls() {
        var screen = VirtualScreen(rows: 2, columns: 4)
        screen.feed("abcdefgh")
        #expect(screen.lines == ["abcd", "efgh"])
        screen.feed("ij")
        #expect(screen.lines == ["efgh", "ij"])
    }

    @Test func wideCharactersTakeTwoCellsAndCombiningMarksJoinTheirBase() {
        var screen = VirtualScreen(rows: 2, columns: 5)
        screen.feed("漢字e\u{301}x")
        #expect(screen.lines == ["漢字e\u{301}", "x"])
    }

    @Test func utf8SplitAcrossFeedsIsReassembled() {
        var screen = VirtualScreen(rows: 1, columns: 10)
        let bytes = Array("漢".utf8)
        screen.feed(bytes[0..<1])
        screen.feed(bytes[1...])
        #expect(screen.lines == ["漢"])
    }
}
