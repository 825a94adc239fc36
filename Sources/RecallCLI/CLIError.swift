import Foundation

/// Errors of the command layer. `description` is the one line printed after `recall: error:`.
public enum CLIError: Error, CustomStringConvertible, Equatable {
    case badNow(String)
    case invalidCardID(String)
    case emptyField(String)
    case editorFailed(String)
    case message(String)

    public var description: String {
        switch self {
        case let .badNow(value):
            return "RECALL_NOW is not an ISO 8601 time: \"\(value)\" (expected e.g. 2026-11-25T09:00:00Z)"
        case let .invalidCardID(value): return "\"\(value)\" is not a card id (expected a number such as 42)"
        case let .emptyField(name): return "the \(name) cannot be empty"
        case let .editorFailed(reason): return "\(reason); the card is unchanged"
        case let .message(text): return text
        }
    }
}

/// Exit codes of `recall` (documented in README.md).
public enum ExitCode32 {
    /// Success.
    public static let success: Int32 = 0
    /// The command could not do what was asked: not found, refused, bad input. Nothing was changed.
    public static let failure: Int32 = 1
    /// The command line itself was wrong (unknown flag, missing argument).
    public static let usage: Int32 = 64
}
