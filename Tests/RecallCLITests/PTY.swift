#if canImport(Glibc)
import Glibc
#endif
import RecallTerminal

/// The environment children start with: the test's own (so the Swift runtime and PATH
/// are found) with a known terminal type.
func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if let equals = text.firstIndex(of: "=") {
            environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        entry += 1
    }
    environment["TERM"] = "xterm-256color"
    environment.removeValue(forKey: "NO_COLOR")
    return environment.merging(extra) { $1 }
}

/// The modes that matter for "the shell works again": compares flags and control chars.
func sameModes(_ a: termios, _ b: termios) -> Bool {
    var a = a
    var b = b
    let controlCharacters = withUnsafeBytes(of: &a.c_cc) { Array($0) } == withUnsafeBytes(of: &b.c_cc) { Array($0) }
    return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag && a.c_lflag == b.c_lflag
        && controlCharacters
}

func isRaw(_ modes: termios) -> Bool {
    modes.c_lflag & tcflag_t(ICANON | ECHO | ISIG) == 0 && modes.c_iflag & tcflag_t(ICRNL | IXON) == 0
}

/// How a child process ended.
enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// Why a PTY interaction failed; `description` includes what the child had printed, since
/// that is what one needs to see when a terminal test times out.
struct PTYError: Error, CustomStringConvertible {
    var message: String
    var output: String

    var description: String {
        "\(message)\n--- output so far ---\n\(output)\n--- end of output ---"
    }
}

/// glibc's pseudo-terminal functions, which Swift's Glibc module does not export (they
/// need `_XOPEN_SOURCE`), looked up at run time.
private struct PTYFunctions: @unchecked Sendable {
    typealias Unlock = @convention(c) (Int32) -> Int32
    typealias Name = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
    let unlockpt: Unlock
    let ptsname_r: Name

    static let shared: PTYFunctions? = {
        guard let handle = dlopen(nil, RTLD_NOW),
            let unlock = dlsym(handle, "unlockpt"),
            let name = dlsym(handle, "ptsname_r")
        else { return nil }
        return PTYFunctions(
            unlockpt: unsafeBitCast(unlock, to: Unlock.self),
            ptsname_r: unsafeBitCast(name, to: Name.self))
    }()
}

/// A pseudo-terminal pair: the test holds the master (the "terminal emulator" side) and a
/// descriptor on the slave (the side a program sees as its terminal).
///
/// A class because it owns the two descriptors, closed in `deinit`. Both are close-on-exec,
/// so that children spawned by concurrently running tests do not inherit them.
final class PseudoTerminal {
    private(set) var master: Int32
    let slave: Int32
    let slavePath: String

    init(size: TerminalSize = TerminalSize(rows: 24, columns: 80)) throws {
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw PTYError(message: "open /dev/ptmx failed: errno \(errno)", output: "") }
        guard let functions = PTYFunctions.shared, functions.unlockpt(master) == 0 else {
            close(master)
            throw PTYError(message: "unlockpt failed: errno \(errno)", output: "")
        }
        var nameBuffer = [CChar](repeating: 0, count: 128)
        guard functions.ptsname_r(master, &nameBuffer, nameBuffer.count) == 0 else {
            close(master)
            throw PTYError(message: "ptsname_r failed: errno \(errno)", output: "")
        }
        let path = String(decoding: nameBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            close(master)
            throw PTYError(message: "open \(path) failed: errno \(errno)", output: "")
        }
        self.master = master
        self.slave = slave
        self.slavePath = path
        setSize(size)
    }

    deinit {
        closeMaster()
        close(slave)
    }

    /// Sets the window size; the kernel sends SIGWINCH to the foreground process group
    /// of the terminal, if it has one.
    func setSize(_ size: TerminalSize) {
        var windowSize = winsize(
            ws_row: UInt16(clamping: size.rows), ws_col: UInt16(clamping: size.columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &windowSize)
    }

    /// The terminal modes currently set on the slave side.
    func modes() -> Glibc.termios {
        var modes = Glibc.termios()
        tcgetattr(slave, &modes)
        return modes
    }

    /// Hangs up: the slave side then reads end of file (or EIO).
    func closeMaster() {
        if master >= 0 { close(master) }
        master = -1
    }

    /// Types into the terminal.
    func write(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
    }

    /// What the program wrote to the terminal so far, waiting up to `timeout` for the
    /// first byte.
    func readAvailable(timeout: Duration = .milliseconds(500)) -> [UInt8] {
        var collected: [UInt8] = []
        var wait = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        while true {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, wait) > 0, descriptor.revents & Int16(POLLIN) != 0 else { break }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(master, &chunk, chunk.count)
            guard count > 0 else { break }
            collected += chunk[0..<count]
            wait = 20
        }
        return collected
    }
}

/// A child process running inside a new pseudo-terminal, for end-to-end tests of
/// full-screen programs.
///
/// The child is started with `posix_spawn` in a new session (`POSIX_SPAWN_SETSID`) and
/// opens the slave side as fd 0, which makes it the child's controlling terminal; fds 1
/// and 2 are duplicates. So the child sees a real terminal: `isatty` is true, it can set
/// raw mode, it gets SIGWINCH when `resize` changes the window size, and Ctrl-C typed
/// with ISIG on sends SIGINT to it.
///
/// The test keeps its own descriptor on the slave side, which lets it read the terminal
/// modes (`modes()`) the child left behind. Everything the child writes is kept in
/// `output` and fed into `screen`, a `VirtualScreen` of the window's size.
///
/// A class because it owns a process and file descriptors; `deinit` kills a child that is
/// still running and closes them.
final class PTYProcess {
    let pid: pid_t
    let terminal: PseudoTerminal
    /// The terminal modes before the child started, to compare with those it leaves.
    let initialModes: Glibc.termios
    var master: Int32 { terminal.master }
    private(set) var output: [UInt8] = []
    private(set) var screen: VirtualScreen
    private(set) var exitStatus: ExitStatus?
    /// Where `expect` continues searching: each match consumes the output up to its end.
    private var searchStart = 0

    /// Starts `executable` (a path; no PATH search) with `arguments` and exactly
    /// `environment` in a terminal of `size`.
    init(
        executable: String, arguments: [String] = [], environment: [String: String] = [:],
        size: TerminalSize = TerminalSize(rows: 24, columns: 80)
    ) throws {
        let terminal = try PseudoTerminal(size: size)
        let slavePath = terminal.slavePath
        initialModes = terminal.modes()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid and without O_NOCTTY: becomes the controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner's signal mask and handlers are not the child's business.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        let signals = [
            SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGWINCH, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1,
            SIGUSR2, SIGALRM,
        ]
        for signal in signals {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID, glibc ≥ 2.26; not exported to Swift
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | setsid))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw PTYError(message: "posix_spawn \(executable) failed: errno \(result)", output: "")
        }
        self.pid = pid
        self.terminal = terminal
        self.screen = VirtualScreen(rows: size.rows, columns: size.columns)
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// Everything the child has written so far, decoded as UTF-8.
    var outputText: String { String(decoding: output, as: UTF8.self) }

    // MARK: Talking to the child

    /// Types `text` into the terminal (as a user would: `"\r"` is Enter, `"\u{03}"` Ctrl-C).
    func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw PTYError(message: "write to pty failed: errno \(errno)", output: outputText)
            }
            offset += written
        }
    }

    /// Sets the window size; the kernel sends SIGWINCH to the child's foreground process
    /// group, as a terminal emulator does when its window is resized.
    func resize(_ size: TerminalSize) {
        terminal.setSize(size)
        screen.resize(rows: size.rows, columns: size.columns)
    }

    func signal(_ signal: Int32) {
        kill(pid, signal)
    }

    /// The terminal modes as the child left them (read through the test's slave fd).
    func modes() -> Glibc.termios {
        terminal.modes()
    }

    // MARK: Waiting

    /// Reads until `text` appears in the output after the previous match, and returns
    /// the output from the previous match up to the end of this one.
    @discardableResult
    func expect(_ text: String, timeout: Duration = .seconds(10)) throws -> String {
        let needle = Array(text.utf8)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let range = find(needle, from: searchStart) {
                let consumed = String(decoding: output[searchStart..<range.upperBound], as: UTF8.self)
                searchStart = range.upperBound
                return consumed
            }
            guard try readSome(until: deadline) else {
                throw PTYError(message: "timed out waiting for \(String(reflecting: text))", output: outputText)
            }
        }
    }

    /// Reads until the virtual screen satisfies `condition`.
    func waitForScreen(
        timeout: Duration = .seconds(10), _ description: String = "screen condition",
        _ condition: (VirtualScreen) -> Bool
    ) throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !condition(screen) {
            guard try readSome(until: deadline) else {
                throw PTYError(
                    message: "timed out waiting for \(description); screen:\n\(screen.text)", output: outputText)
            }
        }
    }

    /// Waits for the child to exit, reading its output meanwhile so that it never blocks
    /// on a full terminal buffer.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(10)) throws -> ExitStatus {
        if let exitStatus { return exitStatus }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                drain()
                let signal = status & 0x7F
                let exit: ExitStatus = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
                exitStatus = exit
                return exit
            }
            if result < 0 && errno != EINTR {
                throw PTYError(message: "waitpid failed: errno \(errno)", output: outputText)
            }
            if ContinuousClock.now >= deadline {
                throw PTYError(message: "timed out waiting for the child to exit", output: outputText)
            }
            _ = try readSome(until: min(deadline, ContinuousClock.now.advanced(by: .milliseconds(20))))
        }
    }

    /// Reads whatever is available without waiting.
    func drain() {
        while (try? readSome(until: ContinuousClock.now)) == true {}
    }

    /// Waits until output arrives or `deadline` passes; true if something was read.
    private func readSome(until deadline: ContinuousClock.Instant) throws -> Bool {
        let remaining = ContinuousClock.now.duration(to: deadline)
        let (seconds, attoseconds) = remaining.components
        let milliseconds = max(0, Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 {
            if errno == EINTR { return false }
            throw PTYError(message: "poll failed: errno \(errno)", output: outputText)
        }
        guard ready > 0, descriptor.revents & Int16(POLLIN) != 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &chunk, chunk.count)
        guard count > 0 else { return false }
        output.append(contentsOf: chunk[0..<count])
        screen.feed(chunk[0..<count])
        return true
    }

    private func find(_ needle: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return start..<start }
        guard output.count - start >= needle.count else { return nil }
        var index = start
        while index + needle.count <= output.count {
            if output[index] == needle[0] && output[index..<index + needle.count].elementsEqual(needle) {
                return index..<index + needle.count
            }
            index += 1
        }
        return nil
    }
}
