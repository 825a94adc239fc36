#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import RecallTerminal
import Testing

/// Issue 6: `recall review` full-screen, driven in a real pseudo-terminal, then the store
/// checked through `recall show --json` (and RecallStore for burial).
@Suite struct ReviewScreenTests {
    /// The SGR sequences (`ESC [ params m`) in `text`, in order.
    func sgrSequences(in text: String) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        for index in scalars.indices where scalars[index] == "\u{1B}" && index + 1 < scalars.count && scalars[index + 1] == "[" {
            var end = index + 2
            while end < scalars.count, ("0"..."9").contains(scalars[end]) || scalars[end] == ";" { end += 1 }
            if end < scalars.count, scalars[end] == "m" {
                found.append(String(String.UnicodeScalarView(scalars[index...end])))
            }
        }
        return found
    }

    /// The terminal is as the shell left it: same modes, main screen, cursor visible.
    func expectRestored(_ child: PTYProcess, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sameModes(child.modes(), child.initialModes), "terminal modes not restored", sourceLocation: sourceLocation)
        #expect(!child.screen.isAlternateScreen, sourceLocation: sourceLocation)
        #expect(child.screen.cursorVisible, sourceLocation: sourceLocation)
    }

    @Test func aWholeSessionWithEveryKeyIsSavedInTheStore() throws {
        let sandbox = try RecallSandbox.withNumberedCards(12)
        let editor = try sandbox.script("edit.sh", "sed -i 's/^question 9$/question 9, edited in the editor/' \"$1\"")
        let child = try sandbox.startReview(environment: ["EDITOR": editor, "VISUAL": ""])
        try child.waitForCard(1)
        #expect(child.screen.contains("question 1"))
        #expect(child.screen.contains("12 new · 0 learning · 0 review"))
        #expect(!child.screen.contains("answer 1"))
        #expect(isRaw(child.modes()))
        #expect(child.screen.isAlternateScreen)

        // An answer key on the question does nothing but say how to go on.
        try child.press("3", until: "show the answer first")
        #expect(try sandbox.ratings(ofCard: 1) == [])

        // Space and enter reveal; each answer key grades; time on the card is its duration.
        // The key line is the last row a frame draws: waiting for it waits for the whole frame
        // (under load the terminal can show the answer before the rest of the frame arrives).
        try child.press(" ", until: "1 Again 1m · 2 Hard 6m · 3 Good 10m · 4 Easy 8d")
        #expect(child.screen.contains("answer 1"))
        usleep(300_000)
        let keys: [(reveal: String, answer: String)] = [
            (" ", "1"), ("\r", "2"), (" ", "3"), ("\r", "4"), (" ", "a"), ("\r", "h"), (" ", "g"), ("\r", "e"),
        ]
        for (index, key) in keys.enumerated() {
            let id = index + 1
            if index > 0 { try child.press(key.reveal, until: "answer \(id)") }
            try child.write(key.answer)
            try child.waitForCard(id + 1)
        }
        // Undo twice: the last card answered comes back first, front only.
        try child.press("u", until: "undid Easy on card 8")
        try child.waitForCard(8)
        #expect(!child.screen.contains("answer 8"))
        try child.press("u", until: "undid Good on card 7")
        try child.waitForCard(7)
        try child.press(" ", until: "answer 7")
        try child.write("3")
        try child.waitForCard(8)
        try child.press(" ", until: "answer 8")
        try child.write("4")
        try child.waitForCard(9)

        // Edit in $EDITOR: the edit shows at once, the card stays.
        try child.press("e", until: "question 9, edited in the editor")
        try child.waitFor("card 9 updated")
        #expect(child.screen.isAlternateScreen)
        #expect(isRaw(child.modes()))
        // Flag, suspend, bury.
        try child.press(" ", until: "answer 9")
        try child.press("f", until: "⚑ flagged")
        try child.write("s")
        try child.waitForCard(10)
        try child.waitFor("card 9 suspended")
        try child.write("b")
        try child.waitForCard(11)
        try child.waitFor("card 10 buried until tomorrow")
        // Help and back, then quit.
        try child.press("?", until: "bury it until tomorrow")
        try child.press("x", until: "question 11")
        try child.write("q")
        #expect(try child.waitForExit() == .exited(0))
        expectRestored(child)
        #expect(child.screen.contains("Studied 8 cards in"))
        #expect(child.screen.contains("Again 25% (2 of 8 answers)"))
        // The six cards left in learning are due in minutes: today, not tomorrow.
        #expect(child.screen.contains("Still due today: 6 cards."))
        #expect(child.screen.contains("Due tomorrow: 0 cards."))

        // The store: one review per card with the key's rating, undone answers gone.
        for (id, rating) in [1, 2, 3, 4, 1, 2, 3, 4].enumerated() {
            #expect(try sandbox.ratings(ofCard: id + 1) == [rating], "card \(id + 1)")
        }
        let first = try #require(try sandbox.cardJSON(1)["reviews"] as? [[String: Any]])
        let duration = try #require(first.first?["duration_ms"] as? Int)
        #expect(duration >= 300 && duration < 60_000)
        let edited = try sandbox.cardJSON(9)
        #expect(edited["front"] as? String == "question 9, edited in the editor")
        #expect(edited["flag"] as? Int == 1)
        #expect(edited["suspended"] as? Bool == true)
        #expect(try sandbox.ratings(ofCard: 9) == [])
        let store = try sandbox.openStore()
        let today = try store.dayClock(timeZone: TimeZone(secondsFromGMT: 0) ?? .current).dayNumber(at: reviewNow)
        #expect(try store.requireCard(10).buriedUntil == today)
        #expect(try store.requireCard(11).buriedUntil == nil)
        try sandbox.ok(["check"])
    }

    @Test func aHostileCardCannotRetitleOrClearTheTerminal() throws {
        let sandbox = try RecallSandbox.withCards([
            (front: "title\u{1B}]0;pwned\u{07} clear\u{1B}[2J", back: "\u{202E}reversed\u{202C}\tafter a tab\u{9B}31m")
        ])
        let child = try sandbox.startReview()
        try child.waitFor("title␛]0;pwned␇ clear␛[2J")
        try child.press(" ", until: "<U+202E>reversed<U+202C>")
        // The tab became spaces, which Markdown then collapses like any run of spaces.
        #expect(child.screen.contains("<U+202E>reversed<U+202C> after a tab<U+009B>31m"))
        try child.write("q")
        #expect(try child.waitForExit() == .exited(0))
        let drawn = child.outputAfterEnteringFullScreen
        #expect(!drawn.contains("\u{1B}]"))
        #expect(!drawn.contains("\u{1B}[2J"))
        #expect(!drawn.contains("\u{07}"))
        #expect(!drawn.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{9B}" || $0 == "\t" })
        #expect(child.screen.oscStrings.isEmpty)
        expectRestored(child)
    }

    @Test func cardsRenderMarkdownAndFramedCodeWithColoursUnlessNoColor() throws {
        let back = """
            Use **a context manager** and `with`:

            - opens the file
            - closes it

            ```python
            with open("f") as f:
                return f.read()
            ```
            """
        let sandbox = try RecallSandbox.withCards([(front: "How do you *read* a file?", back: back)])
        let coloured = try sandbox.startReview(environment: ["NO_COLOR": ""])
        try coloured.waitFor("How do you read a file?")
        try coloured.press("\r", until: "┌─ python")
        #expect(coloured.screen.contains("│ with open(\"f\") as f:"))
        #expect(coloured.screen.contains("• opens the file"))
        #expect(coloured.screen.contains("Use a context manager and with:"))
        try coloured.write("q")
        #expect(try coloured.waitForExit() == .exited(0))
        let drawn = coloured.outputAfterEnteringFullScreen
        #expect(drawn.contains("\u{1B}[1;35mwith"), "keywords are coloured")
        #expect(drawn.contains("\u{1B}[3mread"), "emphasis is italic")

        let plain = try sandbox.startReview()  // the sandbox sets NO_COLOR=1
        try plain.waitFor("How do you read a file?")
        try plain.press("\r", until: "┌─ python")
        #expect(plain.screen.contains("Use a context manager and `with`:"))
        try plain.write("q")
        #expect(try plain.waitForExit() == .exited(0))
        // The only SGR is the reset in the sequence that leaves full screen.
        #expect(sgrSequences(in: plain.outputAfterEnteringFullScreen) == ["\u{1B}[0m"])
        #expect(sgrSequences(in: drawn).count > 10)
    }

    @Test func aResizeRedrawsAtTheNewSize() throws {
        let words = (1...60).map { String(format: "w%02d", $0) }.joined(separator: " ")
        let sandbox = try RecallSandbox.withCards([(front: words, back: "the back")])
        let child = try sandbox.startReview(size: TerminalSize(rows: 24, columns: 80))
        // 78 columns of text: w01 … w19 on the first line.
        try child.waitForScreen("the card at 80 columns") { $0.lines.contains { $0.hasPrefix(" w20 ") } }
        child.resize(TerminalSize(rows: 30, columns: 40))
        // 38 columns: nine words a line, so the second line starts with w10; the status bar moves down.
        try child.waitForScreen("the card at 40 columns") { $0.lines.contains { $0.hasPrefix(" w10 ") } }
        try child.waitForScreen("status bar on row 30") { $0.line(29).contains("space show") }
        #expect(child.screen.line(1) == String(repeating: "─", count: 40))
        #expect(child.screen.lines.allSatisfy { DisplayWidth.of($0) <= 40 })
        try child.write("q")
        #expect(try child.waitForExit() == .exited(0))
    }

    @Test func aCardTallerThanTheScreenScrolls() throws {
        let lines = (1...40).map { "line \($0)" }.joined(separator: "\n\n")
        let sandbox = try RecallSandbox.withCards([(front: lines, back: "the end")])
        let child = try sandbox.startReview(size: TerminalSize(rows: 12, columns: 60))
        // 12 rows: header and rule, 7 rows of card, message, buttons, status bar.
        try child.waitFor("↓ lines 1–7 of 79")
        #expect(child.screen.line(2) == " line 1")
        try child.press("j", until: "↑↓ lines 2–8 of 79")
        try child.press("\u{1B}[6~", until: "lines 8–14 of 79")
        // Revealing brings the answer into view.
        try child.press(" ", until: "the end")
        try child.press("\u{1B}[H", until: "↓ lines 1–7 of")
        try child.write("q")
        #expect(try child.waitForExit() == .exited(0))
    }

    @Test func ctrlCRestoresTheTerminalAndPrintsTheSummary() throws {
        let sandbox = try RecallSandbox.withNumberedCards(2)
        let child = try sandbox.startReview()
        try child.waitForCard(1)
        try child.press(" ", until: "answer 1")
        try child.write("3")
        try child.waitForCard(2)
        try child.write("\u{03}")
        #expect(try child.waitForExit() == .exited(130))
        expectRestored(child)
        #expect(child.screen.contains("Studied 1 card in"))
        #expect(try sandbox.ratings(ofCard: 1) == [3])
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        let child = try sandbox.startReview()
        try child.waitForCard(1)
        child.signal(SIGTERM)
        #expect(try child.waitForExit() == .exited(143))
        expectRestored(child)
    }

    @Test func killNineMidSessionKeepsEveryAnsweredCard() throws {
        let sandbox = try RecallSandbox.withNumberedCards(5)
        let child = try sandbox.startReview()
        for id in 1...3 {
            try child.waitForCard(id)
            try child.press(" ", until: "answer \(id)")
            try child.write(String(id))
        }
        try child.waitForCard(4)
        child.signal(SIGKILL)
        #expect(try child.waitForExit() == .signaled(SIGKILL))
        for id in 1...3 { #expect(try sandbox.ratings(ofCard: id) == [id], "card \(id)") }
        #expect(try sandbox.ratings(ofCard: 4) == [])
        try sandbox.ok(["check"])
    }

    @Test func plainModeInATerminalIsLineByLineForScreenReaders() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        let child = try sandbox.startReview(["--plain"])
        try child.expect("[Enter] to show the answer")
        try child.write("\r")
        try child.expect("Rating (1 again")
        try child.write("good\r")
        // Within the 20-minute learn-ahead window, the learning card comes back at once.
        try child.expect("Good: next in 10m")
        try child.expect("[Enter] to show the answer")
        try child.write("q\r")
        #expect(try child.waitForExit() == .exited(0))
        #expect(!child.outputText.contains(Terminal.enterSequence))
        #expect(child.outputText.contains("Studied 1 card"))
        #expect(try sandbox.ratings(ofCard: 1) == [3])
    }

    @Test func nothingDueSaysWhenTheNextCardIsDueInsteadOfAnEmptyScreen() throws {
        let sandbox = try RecallSandbox.withNumberedCards(1)
        try sandbox.ok(["answer", "1", "easy"])
        let child = try sandbox.startReview()
        #expect(try child.waitForExit() == .exited(0))
        #expect(child.outputText.contains("nothing due now; the next card is due 2026-12-03 04:00 (in 8d)"))
        #expect(!child.outputText.contains(Terminal.enterSequence))
    }

    @Test func cramStudiesCardsThatAreNotDueWithoutChangingTheirSchedule() throws {
        let sandbox = try RecallSandbox.withNumberedCards(3)
        for id in 1...3 { try sandbox.ok(["answer", String(id), "easy"]) }
        let before = try (1...3).map { try sandbox.cardJSON($0) as NSDictionary }
        let child = try sandbox.startReview(["--cram", "--limit", "2"])
        try child.waitFor("cram: schedule unchanged · 2 left")
        try child.waitForCard(1)
        try child.press(" ", until: "answer 1")
        try child.write("1")  // Again: seen once more at the end
        try child.waitForCard(2)
        try child.press(" ", until: "answer 2")
        try child.write("3")
        try child.waitForCard(1)
        try child.press(" ", until: "answer 1")
        try child.write("4")
        #expect(try child.waitForExit() == .exited(0))
        #expect(child.screen.contains("Crammed 2 cards in"))
        #expect(child.screen.contains("Cram: schedules unchanged."))
        let after = try (1...3).map { try sandbox.cardJSON($0) as NSDictionary }
        #expect(before == after)
    }
}
