import RecallModel
import RecallScheduler

/// Everything that stops a file (or a whole import) from being read.
///
/// `description` is the one line shown to the user, `path:line: what happened (hint)`,
/// in the style of a compiler so editors can jump to it. Tests assert the exact text.
public enum ImportError: Error, CustomStringConvertible, Equatable, Sendable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case unsupportedFileType(path: String)
    case emptyDirectory(path: String)
    case noCards(path: String)
    case binaryFile(path: String)
    case invalidUTF8(path: String, line: Int)
    case questionWithoutAnswer(path: String, line: Int)
    case emptyQuestion(path: String, line: Int)
    case emptyAnswer(path: String, line: Int)
    case clozeWithoutDeletion(path: String, line: Int)
    case unclosedCloze(path: String, line: Int)
    case unclosedBracket(path: String, line: Int)
    case cardWithoutSeparator(path: String, line: Int)
    case emptyCardSide(path: String, line: Int)
    case unbalancedQuote(path: String, line: Int)
    case badHeader(path: String, line: Int, header: String)
    /// A deck name that breaks `DeckName`'s rule: from a `#deck:` header or deck column (with
    /// its line), or from the file's name (line nil).
    case invalidDeckName(path: String, line: Int?, name: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            "\(path): no such file or directory"
        case .unreadable(let path, let reason):
            "\(path): cannot be read (\(reason))"
        case .unsupportedFileType(let path):
            "\(path): unsupported file type (expected .md, .markdown, .txt, .csv, .tsv, or .json for a deck file)"
        case .emptyDirectory(let path):
            "\(path): no .md, .markdown, .txt, .csv or .tsv files below this directory"
        case .noCards(let path):
            "\(path): no cards found (write Q:/A: pairs, `front :: back` lines, or questions and headings)"
        case .binaryFile(let path):
            "\(path): binary file, not text (it contains NUL bytes)"
        case .invalidUTF8(let path, let line):
            "\(path):\(line): invalid UTF-8"
        case .questionWithoutAnswer(let path, let line):
            "\(path):\(line): question without an answer (Q: … A:)"
        case .emptyQuestion(let path, let line):
            "\(path):\(line): empty question after Q:"
        case .emptyAnswer(let path, let line):
            "\(path):\(line): empty answer after A:"
        case .clozeWithoutDeletion(let path, let line):
            "\(path):\(line): cloze without a deletion (mark one with [hidden] or {{c1::hidden}})"
        case .unclosedCloze(let path, let line):
            "\(path):\(line): cloze {{c…:: is never closed with }}"
        case .unclosedBracket(let path, let line):
            "\(path):\(line): cloze deletion [ is never closed with ]"
        case .cardWithoutSeparator(let path, let line):
            "\(path):\(line): card without a --- line between front and back"
        case .emptyCardSide(let path, let line):
            "\(path):\(line): card with an empty front or back (around ---)"
        case .unbalancedQuote(let path, let line):
            "\(path):\(line): unbalanced quote (the field opened here never ends with \")"
        case .badHeader(let path, let line, let header):
            "\(path):\(line): unknown value in header \(header)"
        case .invalidDeckName(let path, .some(let line), let name):
            "\(path):\(line): invalid deck name \(DeckName.quoted(name)): \(DeckName.problem(name) ?? "")"
        case .invalidDeckName(let path, nil, let name):
            "\(path): invalid deck name \(DeckName.quoted(name)) (from the file's name): \(DeckName.problem(name) ?? ""); name the deck with --deck"
        }
    }
}

/// Something the user should know about, which did not stop the import.
public struct ImportWarning: CustomStringConvertible, Equatable, Sendable {
    public var path: String
    /// 1-based line, or `nil` for the file as a whole.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int?, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { "\(path):\(line): \(message)" } else { "\(path): \(message)" }
    }
}
