#if canImport(Glibc)
import Glibc
#endif
import Testing
import RecallTerminal

@Suite struct PTYTests {
    func shell(_ script: String, size: TerminalSize = TerminalSize(rows: 24, columns: 80)) throws -> PTYProcess {
        try PTYProcess(executable: "/bin/sh", arguments: ["-c", script], environment: childEnvironment(), size: size)
    }

    @Test func outputOfTheChildIsReadAndItsExitStatusReported() throws {
        let child = try shell("printf 'hello\\n'; exit 3")
        try child.expect("hello")
        #expect(try child.waitForExit() == .exited(3))
    }

    @Test func theChildSeesATerminalOfTheRequestedSize() throws {
        let child = try shell(
            "test -t 0 && test -t 1 && echo is-a-tty; stty size", size: TerminalSize(rows: 31, columns: 97))
        try child.expect("is-a-tty")
        try child.expect("31 97")
        #expect(try child.waitForExit() == .exited(0))
    }

    @Test func typedKeysReachTheChild() throws {
        let child = try shell("read line; echo \"got:$line\"")
        try child.write("abc\r")
        try child.expect("got:abc")
        #expect(try child.waitForExit() == .exited(0))
    }

    @Test func resizingSendsTheChildAWindowChangeSignal() throws {
        let child = try shell("trap 'stty size' WINCH; echo ready; while :; do sleep 0.05; done")
        try child.expect("ready")
        child.resize(TerminalSize(rows: 30, columns: 100))
        try child.expect("30 100")
        child.signal(SIGKILL)
        #expect(try child.waitForExit() == .signaled(SIGKILL))
    }

    @Test func ctrlCInACookedTerminalInterruptsTheChild() throws {
        let child = try shell("echo ready; exec sleep 30")
        try child.expect("ready")
        try child.write("\u{03}")
        #expect(try child.waitForExit() == .signaled(SIGINT))
    }

    @Test func theVirtualScreenShowsWhatTheChildDrew() throws {
        let child = try shell(
            "printf '\\033[?1049h\\033[2J\\033[3;5Hcard\\033[24;1Hstatus'; read x; printf '\\033[?1049l'")
        try child.waitForScreen("card drawn") { $0.line(2) == "    card" && $0.line(23) == "status" }
        #expect(child.screen.isAlternateScreen)
        try child.write("\r")
        #expect(try child.waitForExit() == .exited(0))
        #expect(!child.screen.isAlternateScreen)
        #expect(!child.screen.contains("card"))
    }

    @Test func sttyReportsTheModesAChildLeaves() throws {
        let child = try shell("stty -a; stty raw -echo; echo done")
        try child.expect(" icanon")
        try child.expect("done")
        try child.waitForExit()
        // The test reads the modes through its own descriptor on the terminal.
        #expect(isRaw(child.modes()))
        #expect(!isRaw(child.initialModes))
    }
}
