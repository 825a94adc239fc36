import Foundation

/// Everything that can go wrong reading, importing or syncing deck files. `description` is the
/// one line the user sees after `recall: error:`; it names the file and either the JSON path of
/// the bad value (`deck.json: decks[0].cards[3].reviews[1].rating: must be 1-4, got 7`) or, for
/// text that is not JSON, the line and column (`deck.json:3:17: invalid JSON: expected ','`).
public enum SyncError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The text is not JSON. `line` and `column` are 1-based; the column counts characters.
    case syntax(file: String, line: Int, column: Int, message: String)
    /// JSON, but a value is not what the format allows. `path` is like `decks[0].cards[3].id`.
    case invalid(file: String, path: String, message: String)
    /// JSON, but not a recall deck file at all.
    case notDeckFile(file: String, reason: String)
    case unsupportedVersion(file: String, found: String)
    case tooLarge(file: String, bytes: Int, limit: Int)
    case cannotRead(file: String, reason: String)
    case cannotWrite(file: String, reason: String)
    /// Another program wrote the file while we read it (its size or time changed).
    case changedWhileReading(file: String)
    case notAFolder(String)

    public var description: String {
        switch self {
        case let .syntax(file, line, column, message):
            return "\(file):\(line):\(column): invalid JSON: \(message)"
        case let .invalid(file, path, message):
            return "\(file): \(path): \(message)"
        case let .notDeckFile(file, reason):
            return "\(file): not a recall deck file: \(reason)"
        case let .unsupportedVersion(file, found):
            return "\(file): version: unsupported deck file version \(found) (this recall reads versions 1 and 2)"
        case let .tooLarge(file, bytes, limit):
            // A round size above the file's, as the flag takes it: the next 100 MB, or the next MB.
            let enough = bytes >= 100_000_000 ? (bytes / 100_000_000 + 1) * 100 : bytes / 1_000_000 + 1
            return "\(file): the file is \(Self.megabytes(bytes)), and deck files must be smaller than \(Self.megabytes(limit)); "
                + "to read it, raise the limit with --max-file-size \(enough)MB"
        case let .cannotRead(file, reason):
            return "cannot read \(file): \(reason)"
        case let .cannotWrite(file, reason):
            return "cannot write \(file): \(reason)"
        case let .changedWhileReading(file):
            return "\(file) changed while it was being read (another program is writing it)"
        case let .notAFolder(path):
            return "\(path) is not a folder"
        }
    }

    /// Sizes in decimal megabytes, one decimal: "200.0 MB"; under 1 MB in kilobytes ("10.0 KB").
    static func megabytes(_ bytes: Int) -> String {
        if bytes < 1000 { return bytes == 1 ? "1 byte" : "\(bytes) bytes" }
        if bytes < 1_000_000 { return String(format: "%.1f KB", Double(bytes) / 1000) }
        return bytes < 1_000_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000)
            : String(format: "%.1f GB", Double(bytes) / 1_000_000_000)
    }
}
