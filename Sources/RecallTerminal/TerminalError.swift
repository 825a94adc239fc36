/// Why the terminal could not be set up or used. `description` is the line the user sees.
public enum TerminalError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The review screen needs a terminal; `fd` is the descriptor that is not one.
    case notATerminal(fd: Int32)
    /// Another `Terminal` is already in full-screen mode; the saved modes and signal
    /// handlers are process-wide, so there can be only one.
    case alreadyActive
    /// A system call failed; `errno` is kept for debugging.
    case systemCall(name: String, errno: Int32)

    public var description: String {
        switch self {
        case .notATerminal(let fd):
            let name = fd == 0 ? "standard input" : fd == 1 ? "standard output" : "file descriptor \(fd)"
            return "\(name) is not a terminal; the review screen needs an interactive terminal"
        case .alreadyActive:
            return "the terminal is already in full-screen mode"
        case .systemCall(let name, let errno):
            return "terminal error: \(name) failed (\(errnoDescription(errno)))"
        }
    }
}
