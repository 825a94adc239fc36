#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A terminal's size in character cells.
public struct TerminalSize: Sendable, Hashable {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
    }

    /// What to assume when the size cannot be read (not a terminal, or a terminal that
    /// reports 0×0, as some serial consoles and CI runners do).
    public static let fallback = TerminalSize(rows: 24, columns: 80)
}

/// Whether output should be coloured.
public enum ColorSupport {
    /// Colours are on only when output goes to a terminal, `NO_COLOR` is unset or empty
    /// (https://no-color.org), and `TERM` is not `dumb`. The environment is passed in, so
    /// the decision is testable and the CLI reads the environment in one place.
    public static func enabled(environment: [String: String], outputIsTerminal: Bool) -> Bool {
        guard outputIsTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }
}

/// The one owner of terminal state: raw mode, the alternate screen, the hidden cursor and
/// the signal handlers that put them back.
///
/// A review session must never leave the user's shell in raw mode or on the alternate
/// screen, whichever way it ends. So the original modes are restored by `restore()`,
/// by `deinit`, by an `atexit` hook (for `exit()` calls), and by handlers for SIGINT,
/// SIGTERM and SIGHUP, which restore and then exit with 128 + the signal number (130 for
/// SIGINT, 143 for SIGTERM). SIGWINCH only sets a flag and wakes the `KeyReader`, which
/// reports `.resize` so the caller redraws.
///
/// Modes and handlers are process-wide, so only one `Terminal` can be in full-screen mode.
public final class Terminal {
    public let input: Int32
    public let output: Int32
    private var isFullScreen = false
    private var previousActions: [(signal: Int32, action: sigaction)] = []

    /// Escape sequences that enter and leave full-screen mode: the alternate screen keeps
    /// the user's scrollback intact, the hidden cursor avoids a blinking block on the card.
    public static let enterSequence = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[H\u{1B}[2J"
    public static let leaveSequence = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"

    /// - Throws: `.notATerminal` when `input` is not a terminal.
    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) throws(TerminalError) {
        guard Terminal.isTTY(input) else { throw .notATerminal(fd: input) }
        self.input = input
        self.output = output
    }

    deinit {
        restore()
    }

    public static func isTTY(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    /// The size of the terminal on `fd`, or nil if it is not a terminal or reports 0×0.
    public static func size(of fd: Int32) -> TerminalSize? {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else {
            return nil
        }
        return TerminalSize(rows: Int(size.ws_row), columns: Int(size.ws_col))
    }

    /// The size of one character cell in pixels, when the terminal reports its size in pixels
    /// (most graphics-capable terminals do); nil otherwise.
    public func cellPixels() -> (width: Int, height: Int)? {
        var size = winsize()
        guard ioctl(output, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0,
              size.ws_xpixel > 0, size.ws_ypixel > 0 else { return nil }
        let width = Int(size.ws_xpixel) / Int(size.ws_col)
        let height = Int(size.ws_ypixel) / Int(size.ws_row)
        guard (2...200).contains(width), (2...400).contains(height) else { return nil }
        return (width, height)
    }

    /// The current size, read again on each call so that it is right after a resize.
    public func size() -> TerminalSize {
        Terminal.size(of: output) ?? Terminal.size(of: input) ?? .fallback
    }

    /// Puts the terminal in raw mode (no echo, no line buffering, no signals from Ctrl-C,
    /// which arrives as `Key.ctrlC` instead), switches to the alternate screen, hides the
    /// cursor and installs the restoring signal handlers.
    public func enterFullScreen() throws(TerminalError) {
        if isFullScreen { return }
        guard !signalState.active else { throw .alreadyActive }
        var original = termios()
        guard tcgetattr(input, &original) == 0 else { throw .systemCall(name: "tcgetattr", errno: errno) }
        var raw = original
        raw.c_iflag &= ~tcflag_t(BRKINT | ICRNL | INPCK | ISTRIP | IXON)
        raw.c_cflag |= tcflag_t(CS8)
        raw.c_lflag &= ~tcflag_t(ECHO | ICANON | IEXTEN | ISIG)
        withUnsafeMutableBytes(of: &raw.c_cc) { bytes in
            bytes[Int(VMIN)] = 1
            bytes[Int(VTIME)] = 0
        }

        // The handlers read this state, so it is complete before they are installed.
        signalState.saved = original
        signalState.input = input
        signalState.output = output
        _ = wakePipe
        registerExitHookOnce()
        signalState.active = true
        isFullScreen = true
        installHandlers()

        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else {
            let code = errno
            restore()
            throw .systemCall(name: "tcsetattr", errno: code)
        }
        do {
            try write(Terminal.enterSequence)
        } catch {
            restore()
            throw error
        }
    }

    /// Leaves full-screen mode: original terminal modes, main screen, visible cursor,
    /// previous signal handlers. Safe to call more than once.
    public func restore() {
        guard isFullScreen else { return }
        isFullScreen = false
        restoreTerminalState()
        for (signal, action) in previousActions.reversed() {
            var previous = action
            sigaction(signal, &previous, nil)
        }
        previousActions = []
    }

    /// Writes `text` completely, retrying after partial writes and interruptions, so a
    /// frame built by `Screen` goes out in one `write` in the normal case.
    public func write(_ text: String) throws(TerminalError) {
        try Terminal.write(text, to: output)
    }

    static func write(_ text: String, to fd: Int32) throws(TerminalError) {
        var text = text
        let failure: Int32? = text.withUTF8 { buffer -> Int32? in
            guard var pointer = buffer.baseAddress else { return nil }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(fd, pointer, remaining)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return errno
                }
                pointer += written
                remaining -= written
            }
            return nil
        }
        if let failure { throw .systemCall(name: "write", errno: failure) }
    }

    /// A reader for keys and resize events on this terminal's input.
    public func keyReader() -> KeyReader {
        KeyReader(input: input, sizeSource: output)
    }

    /// True once after each SIGWINCH; for callers that poll instead of using `KeyReader`.
    public func consumeResize() -> Bool {
        consumeResizeFlag()
    }

    private func installHandlers() {
        previousActions = []
        let terminating: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
        for signal in terminating {
            install(signal, handler: terminatingSignalHandler, flags: 0)
        }
        install(SIGWINCH, handler: resizeSignalHandler, flags: Int32(SA_RESTART))
    }

    private func install(_ signal: Int32, handler: @convention(c) (Int32) -> Void, flags: Int32) {
        var action = sigaction()
        #if canImport(Darwin)
        action.__sigaction_u.__sa_handler = handler
        #else
        action.__sigaction_handler.sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = flags
        var previous = sigaction()
        if sigaction(signal, &action, &previous) == 0 {
            previousActions.append((signal, previous))
        }
    }
}

// MARK: - Process-wide state for signal handlers

/// What a signal handler needs to put the terminal back. Signal handlers cannot capture
/// context, so this is global; it is written only while no handler is installed or before
/// `active` is set, and read by handlers only when `active` is true.
struct SignalState {
    var active = false
    var input: Int32 = -1
    var output: Int32 = -1
    var saved = termios()
    var resizePending: Int32 = 0
}

nonisolated(unsafe) var signalState = SignalState()

/// The self-pipe that wakes `poll` on SIGWINCH: the handler writes a byte, the reader
/// drains it. Non-blocking on both ends so that neither the handler nor the drain can hang.
let wakePipe: (read: Int32, write: Int32) = {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return (-1, -1) }
    for fd in fds {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    return (fds[0], fds[1])
}()

/// Puts the terminal back using only async-signal-safe calls (`tcsetattr`, `write`).
func restoreTerminalState() {
    guard signalState.active else { return }
    signalState.active = false
    var saved = signalState.saved
    // TCSANOW: TCSAFLUSH would wait for output to drain, which can block in a handler.
    _ = tcsetattr(signalState.input, TCSANOW, &saved)
    // `Terminal.leaveSequence`, as a StaticString: no allocation inside a signal handler.
    let sequence: StaticString = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"
    _ = systemWrite(signalState.output, sequence.utf8Start, sequence.utf8CodeUnitCount)
}

private func terminatingSignalHandler(_ signal: Int32) {
    restoreTerminalState()
    _exit(128 + signal)
}

private func resizeSignalHandler(_ signal: Int32) {
    let savedErrno = errno
    signalState.resizePending = 1
    var byte: UInt8 = 1
    _ = systemWrite(wakePipe.write, &byte, 1)
    errno = savedErrno
}

func consumeResizeFlag() -> Bool {
    guard signalState.resizePending != 0 else { return false }
    signalState.resizePending = 0
    return true
}

nonisolated(unsafe) private var exitHookRegistered = false

/// `exit()` skips `deinit`, so an `atexit` hook restores the terminal too.
private func registerExitHookOnce() {
    if exitHookRegistered { return }
    exitHookRegistered = true
    atexit { restoreTerminalState() }
}

/// `write(2)` under a name that the `write` methods above do not shadow.
func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

func errnoDescription(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "errno \(code)" }
    return String(cString: message)
}
