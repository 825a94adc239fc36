#if canImport(Glibc)
import Glibc
#endif
import Testing
import RecallTerminal

/// In-process tests of `Terminal` and `KeyReader` on a pseudo-terminal. Serialized: the
/// saved modes and signal handlers are process-wide.
@Suite(.serialized) struct TerminalTests {
    @Test func fullScreenSetsRawModeAndRestoreBringsBackTheOriginalModes() throws {
        let pty = try PseudoTerminal()
        let original = pty.modes()
        #expect(!isRaw(original))
        var screen = VirtualScreen(rows: 24, columns: 80)
        screen.feed("$ prompt")

        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        try terminal.enterFullScreen()
        #expect(isRaw(pty.modes()))
        screen.feed(pty.readAvailable())
        #expect(screen.isAlternateScreen && !screen.cursorVisible)

        terminal.restore()
        #expect(sameModes(pty.modes(), original))
        screen.feed(pty.readAvailable())
        #expect(!screen.isAlternateScreen && screen.cursorVisible)
        #expect(screen.text == "$ prompt")
    }

    @Test func droppingTheTerminalRestoresItsModes() throws {
        let pty = try PseudoTerminal()
        let original = pty.modes()
        do {
            let terminal = try Terminal(input: pty.slave, output: pty.slave)
            try terminal.enterFullScreen()
            #expect(isRaw(pty.modes()))
        }
        #expect(sameModes(pty.modes(), original))
    }

    @Test func onlyOneTerminalCanBeFullScreenAtATime() throws {
        let first = try PseudoTerminal()
        let second = try PseudoTerminal()
        let terminal = try Terminal(input: first.slave, output: first.slave)
        try terminal.enterFullScreen()
        let other = try Terminal(input: second.slave, output: second.slave)
        #expect(throws: TerminalError.alreadyActive) { try other.enterFullScreen() }
        terminal.restore()
        try other.enterFullScreen()
        other.restore()
    }

    @Test func aPipeIsNotATerminal() throws {
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { fds.forEach { close($0) } }
        #expect(!Terminal.isTTY(fds[0]))
        #expect(throws: TerminalError.notATerminal(fd: fds[0])) { try Terminal(input: fds[0], output: fds[1]) }
        #expect(
            TerminalError.notATerminal(fd: 0).description
                == "standard input is not a terminal; the review screen needs an interactive terminal")
    }

    @Test func sizeComesFromTheWindowSize() throws {
        let pty = try PseudoTerminal(size: TerminalSize(rows: 33, columns: 101))
        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        #expect(terminal.size() == TerminalSize(rows: 33, columns: 101))
    }

    @Test func keysTypedInRawModeAreDecoded() throws {
        let pty = try PseudoTerminal()
        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        try terminal.enterFullScreen()
        defer { terminal.restore() }
        var reader = terminal.keyReader()
        pty.write("a\r \u{7F}\u{1B}[A\u{1B}[B\u{1B}[5~\u{1B}[6~\u{03}é")
        var keys: [Key] = []
        for _ in 0..<10 {
            guard case .key(let key) = try reader.next(timeout: .seconds(2)) else { break }
            keys.append(key)
        }
        #expect(
            keys == [
                .character("a"), .enter, .space, .backspace, .up, .down, .pageUp, .pageDown, .ctrlC, .character("é"),
            ])
    }

    @Test func aLoneEscapeIsReportedAfterAShortDelay() throws {
        let pty = try PseudoTerminal()
        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        try terminal.enterFullScreen()
        defer { terminal.restore() }
        var reader = terminal.keyReader()
        pty.write("\u{1B}")
        #expect(try reader.next(timeout: .seconds(2)) == .key(.escape))
    }

    @Test func waitingWithoutInputTimesOut() throws {
        let pty = try PseudoTerminal()
        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        try terminal.enterFullScreen()
        defer { terminal.restore() }
        var reader = terminal.keyReader()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try reader.next(timeout: .milliseconds(50)) == .timeout)
        #expect(clock.now - start >= .milliseconds(50))
    }

    @Test func aWindowChangeSignalWakesTheReaderWithTheNewSize() throws {
        let pty = try PseudoTerminal()
        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        try terminal.enterFullScreen()
        defer { terminal.restore() }
        var reader = terminal.keyReader()
        pty.setSize(TerminalSize(rows: 30, columns: 100))
        // This process does not have the pty as its controlling terminal, so the kernel
        // does not signal it; send the SIGWINCH a terminal emulator would cause.
        kill(getpid(), SIGWINCH)
        #expect(try reader.next(timeout: .seconds(2)) == .resize(TerminalSize(rows: 30, columns: 100)))
    }

    @Test func hangingUpEndsTheInput() throws {
        let pty = try PseudoTerminal()
        let terminal = try Terminal(input: pty.slave, output: pty.slave)
        try terminal.enterFullScreen()
        defer { terminal.restore() }
        var reader = terminal.keyReader()
        pty.closeMaster()
        #expect(try reader.next(timeout: .seconds(2)) == .endOfInput)
    }
}
