#if canImport(Glibc)
import Glibc
#endif
import Testing
import RecallTerminal

/// Set only in a copy of this test binary that a test below starts inside a PTY.
private let childRole: String? = getenv("RECALL_TERMINAL_TEST_CHILD").map { String(cString: $0) }

/// End-to-end: a full-screen program in a real pseudo-terminal is signalled, resized and
/// quit, and the terminal is checked afterwards.
///
/// The program is `fullScreenChildProgram` below, run by starting this same test binary
/// again with only that test selected. That needs no extra executable target, so the tests
/// run wherever this target does.
@Suite struct FullScreenProcessTests {
    /// The child program, not a test on its own (disabled unless started by the tests
    /// below): a card and a status bar full-screen, `q` quits, Ctrl-C exits with 130,
    /// a resize redraws with the new size in the status bar.
    @Test(.enabled(if: childRole != nil)) func fullScreenChildProgram() throws {
        let terminal = try Terminal()
        try terminal.enterFullScreen()
        var reader = terminal.keyReader()
        var screen = Screen(size: terminal.size(), colors: true)
        func draw(_ status: String) throws {
            let lines = CardRenderer().render(markdown: "# Card\n\n**READY**", width: screen.size.columns, colors: true)
            try terminal.write(screen.frame(lines: lines, status: status))
        }
        try draw("size \(screen.size.rows)x\(screen.size.columns)")
        while true {
            switch try reader.next() {
            case .key(.character("q")):
                terminal.restore()
                print("BYE")
                exit(0)
            case .key(.ctrlC):
                terminal.restore()
                exit(130)
            case .key(let key):
                try draw("key \(key)")
            case .resize(let size):
                screen.size = size
                try draw("RESIZED \(size.rows)x\(size.columns)")
            case .timeout:
                continue
            case .endOfInput:
                exit(1)
            }
        }
    }

    private func startChild(size: TerminalSize = TerminalSize(rows: 24, columns: 80)) throws -> PTYProcess {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        try #require(length > 0)
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let child = try PTYProcess(
            executable: executable,
            arguments: ["--testing-library", "swift-testing", "--filter", "fullScreenChildProgram"],
            environment: childEnvironment(["RECALL_TERMINAL_TEST_CHILD": "1"]), size: size)
        try child.waitForScreen("the card") { $0.isAlternateScreen && $0.contains("READY") }
        #expect(isRaw(child.modes()))
        #expect(!child.screen.cursorVisible)
        return child
    }

    private func expectRestored(_ child: PTYProcess) {
        #expect(sameModes(child.modes(), child.initialModes))
        #expect(!child.screen.isAlternateScreen)
        #expect(child.screen.cursorVisible)
    }

    @Test func sigtermRestoresTheTerminalAndExitsWith143() throws {
        let child = try startChild()
        child.signal(SIGTERM)
        #expect(try child.waitForExit() == .exited(143))
        expectRestored(child)
    }

    @Test func sigintRestoresTheTerminalAndExitsWith130() throws {
        let child = try startChild()
        child.signal(SIGINT)
        #expect(try child.waitForExit() == .exited(130))
        expectRestored(child)
    }

    @Test func ctrlCArrivesAsAKeyAndTheProgramRestoresBeforeExiting() throws {
        let child = try startChild()
        try child.write("\u{03}")
        #expect(try child.waitForExit() == .exited(130))
        expectRestored(child)
    }

    @Test func resizingRedrawsAtTheNewSize() throws {
        let child = try startChild()
        child.resize(TerminalSize(rows: 30, columns: 100))
        try child.waitForScreen("the redraw") { $0.line(29).hasPrefix("RESIZED 30x100") }
        #expect(child.screen.line(0) == "Card")
        try child.write("q")
        #expect(try child.waitForExit() == .exited(0))
    }

    @Test func quittingNormallyRestoresTheTerminalAndTheMainScreen() throws {
        let child = try startChild()
        try child.write("j")
        try child.waitForScreen("the key in the status bar") { $0.line(23).hasPrefix("key character(\"j\")") }
        try child.write("q")
        #expect(try child.waitForExit() == .exited(0))
        expectRestored(child)
        #expect(child.screen.contains("BYE"))
    }
}
