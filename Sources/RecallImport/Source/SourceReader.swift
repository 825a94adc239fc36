import Foundation
import RecallModel

/// How a file is parsed.
public enum SourceFormat: String, Sendable, Equatable, Codable {
    /// `.md`, `.markdown`, `.txt`: explicit card syntaxes, else the document heuristics.
    case markdown
    /// `.csv`, `.tsv` (and `.txt` that starts with Anki's `#separator:`-style headers).
    case delimited
}

/// One file ready to parse: decoded, line endings normalised, mojibake repaired.
public struct SourceFile: Sendable, Equatable {
    /// The path as the user gave it, or the directory they gave joined with the path below it.
    public var path: String
    /// `--deck` if given, else the file name without extension, with sub-folders as `parent::child`.
    public var deckName: String
    /// True when `deckName` came from `--deck`, which then wins over a `#deck:` header.
    public var deckIsExplicit: Bool
    public var text: String
    public var format: SourceFormat
    /// Things noticed while reading (e.g. decoded as Windows-1252).
    public var warnings: [ImportWarning]
    /// One of a folder of one-question files: the whole file is one note (`OneQuestionFile`).
    public var isOneQuestion = false
    /// The digest of the bytes this file was decoded from, when it was read from disk.
    public var digest: FileDigest?

    public init(
        path: String, deckName: String, deckIsExplicit: Bool = false, text: String,
        format: SourceFormat, warnings: [ImportWarning] = []
    ) {
        self.path = path
        self.deckName = deckName
        self.deckIsExplicit = deckIsExplicit
        self.text = text
        self.format = format
        self.warnings = warnings
    }

    /// A file whose text is already in memory (the bundled seeds, tests): normalised and
    /// repaired like a file read from disk; format and deck from its name.
    public init(path: String, contents: String, deck: String? = nil) {
        let text = TextDecoding.normalize(contents)
        self.init(
            path: path, deckName: deck ?? SourceReader.deckName(relativePath: SourceReader.lastComponent(path)),
            deckIsExplicit: deck != nil, text: text,
            format: SourceReader.format(path: path, text: text) ?? .markdown)
    }
}

/// The cards of one file, and what was skipped or noticed on the way.
/// A part of a source file that made no card, with its first line and why: navigation
/// (tables of contents, back-to-top links, badges, closing sections), so that nothing is lost
/// without the summary saying so (issue 11).
public struct SkippedSection: Sendable, Equatable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

public struct ParsedSource: Sendable, Equatable {
    public var notes: [NoteDraft]
    public var warnings: [ImportWarning]
    public var skipped: [SkippedSection] = []

    public init(notes: [NoteDraft], warnings: [ImportWarning]) {
        self.notes = notes
        self.warnings = warnings
    }
}

/// Reads paths into `SourceFile`s and parses them. No store, no clock: the CLI decides what to
/// do with the drafts.
public struct SourceReader: Sendable {
    public static let extensions: Set<String> = ["md", "markdown", "txt", "csv", "tsv"]

    public init() {}

    /// Reads every path in order; directories recursively. `deck` (from `--deck`) names the deck
    /// of every file when given.
    public func read(_ paths: [String], deck: String? = nil) throws(ImportError) -> [SourceFile] {
        var files: [SourceFile] = []
        for path in paths { files += try read(path, deck: deck) }
        return files
    }

    /// A file, or every `.md`/`.markdown`/`.txt`/`.csv`/`.tsv` below a directory (hidden
    /// files and folders skipped), sorted by path so imports are deterministic.
    public func read(_ path: String, deck: String? = nil) throws(ImportError) -> [SourceFile] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .missingFile(path: path)
        }
        if !isDirectory.boolValue {
            let ext = (SourceReader.lastComponent(path) as NSString).pathExtension.lowercased()
            guard SourceReader.extensions.contains(ext) else { throw .unsupportedFileType(path: path) }
            var file = try readFile(path, deckName: deck ?? SourceReader.deckName(relativePath: SourceReader.lastComponent(path)),
                                    explicit: deck != nil)
            file.isOneQuestion = isOneQuestionAmongSiblings(file)
            if file.isOneQuestion, deck == nil {
                let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().lastPathComponent
                Self.nameDeck(&file, folder)
            }
            return [file]
        }
        let relativePaths = SourceReader.filesBelow(path)
        guard !relativePaths.isEmpty else { throw .emptyDirectory(path: path) }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        var files: [SourceFile] = []
        for relative in relativePaths {
            files.append(try readFile(prefix + relative,
                                      deckName: deck ?? SourceReader.deckName(relativePath: relative),
                                      explicit: deck != nil))
        }
        Self.markOneQuestionFiles(&files)
        if deck == nil {
            // A page is one question of its folder: its deck is the folder (the imported one for
            // the pages at its top), not a deck of one card per page.
            let root = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
            for (index, relative) in relativePaths.enumerated() where files[index].isOneQuestion {
                let folders = relative.split(separator: "/").dropLast()
                Self.nameDeck(&files[index], folders.isEmpty ? root : folders.joined(separator: "::"))
            }
        }
        return files
    }

    /// Gives a one-question file the deck of its folder, when that is a valid deck name.
    private static func nameDeck(_ file: inout SourceFile, _ name: String) {
        if !name.isEmpty, name != "/", DeckName.problem(name) == nil { file.deckName = name }
    }

    /// A file imported on its own is read as it is read with its folder: as one question when
    /// it is one and so are most Markdown files beside it (at most `siblingLimit` of them are
    /// looked at), so that importing it alone or with its folder gives the same note.
    func isOneQuestionAmongSiblings(_ file: SourceFile) -> Bool {
        guard OneQuestionFile.shape(file) != nil else { return false }
        let directory = (file.path as NSString).deletingLastPathComponent
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? [])
            .filter { !$0.hasPrefix(".") && ["md", "markdown"].contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().prefix(Self.siblingLimit)
        let own = SourceReader.lastComponent(file.path)
        var markdown = 1
        var shaped = 1
        for name in names where name != own {
            let path = directory.isEmpty ? name : directory + "/" + name
            guard let sibling = try? readFile(path, deckName: "", explicit: false), sibling.format == .markdown else { continue }
            markdown += 1
            if OneQuestionFile.shape(sibling) != nil { shaped += 1 }
        }
        return markdown >= 2 && shaped * 2 > markdown
    }

    static let siblingLimit = 200

    /// A folder whose Markdown files are mostly one question each (a single title, no sibling
    /// questions, no card syntax: a documentation site or a note vault) is read a file a note,
    /// its title the front (`OneQuestionFile`). Decided by the structure of the files; the
    /// files of another shape in it are read as usual.
    static func markOneQuestionFiles(_ files: inout [SourceFile]) {
        let markdown = files.indices.filter { files[$0].format == .markdown }
        guard markdown.count >= 2 else { return }
        let shaped = markdown.filter { OneQuestionFile.shape(files[$0]) != nil }
        guard shaped.count * 2 > markdown.count else { return }
        for index in shaped { files[index].isOneQuestion = true }
    }

    /// Parses one file by its format.
    public func parse(_ file: SourceFile) throws(ImportError) -> ParsedSource {
        var parsed: ParsedSource
        switch file.format {
        case .markdown:
            if file.isOneQuestion, let one = OneQuestionFile.parse(file) {
                parsed = one
            } else {
                parsed = try MarkdownParser.parse(file)
            }
        case .delimited: parsed = try DelimitedParser.parse(file)
        }
        parsed.warnings = file.warnings + parsed.warnings
        if parsed.notes.isEmpty {
            parsed.warnings.append(ImportWarning(path: file.path, line: nil, message: "no cards found"))
        }
        return parsed
    }

    /// Parses every file; throws `noCards` when none of them gave a card.
    public func parse(_ files: [SourceFile]) throws(ImportError) -> ParsedSource {
        var all = ParsedSource(notes: [], warnings: [])
        for file in files {
            let parsed = try parse(file)
            all.notes += parsed.notes
            all.warnings += parsed.warnings
        }
        if all.notes.isEmpty, let first = files.first {
            throw .noCards(path: files.count == 1 ? first.path : SourceReader.commonDirectory(files.map(\.path)))
        }
        return all
    }

    // MARK: - Files

    /// The importable files below a folder, relative to it, in the order `read` reads them.
    public static func importableFiles(below directory: String) -> [String] { filesBelow(directory) }

    /// The deck a file imported on its own is named after (`lang/go.md` → `go`).
    public static func deckName(forFile path: String) -> String { deckName(relativePath: lastComponent(path)) }

    /// The bytes of a regular file, read straight into one array (a large bank is read once,
    /// not into `Data` and then copied); nil when it cannot be opened or read.
    static func contents(of path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        var chunk = max(Int(info.st_size), 0) + 1  // one more than the size: a file that grew is read on
        while true {
            var failed = false
            let part = [UInt8](unsafeUninitializedCapacity: chunk) { buffer, count in
                guard let base = buffer.baseAddress else { return }
                while count < chunk {
                    let got = Foundation.read(descriptor, base + count, chunk - count)
                    if got < 0 {
                        if errno == EINTR { continue }
                        failed = true
                        return
                    }
                    if got == 0 { break }
                    count += got
                }
            }
            if failed { return nil }
            if bytes.isEmpty { bytes = part } else { bytes += part }
            if part.count < chunk { return bytes }
            chunk = 1 << 20
        }
    }

    private func readFile(_ path: String, deckName: String, explicit: Bool) throws(ImportError) -> SourceFile {
        guard let bytes = Self.contents(of: path) else {
            throw .unreadable(path: path, reason: "permission denied or not a regular file")
        }
        if TextDecoding.containsNUL(bytes) { throw .binaryFile(path: path) }
        let decoded = TextDecoding.decode(bytes)
        var warnings: [ImportWarning] = []
        if let line = decoded.windows1252AtLine {
            warnings.append(ImportWarning(path: path, line: nil,
                                          message: "decoded as Windows-1252 (invalid UTF-8 at line \(line))"))
        }
        let format = SourceReader.format(path: path, text: decoded.text) ?? .markdown
        var file = SourceFile(path: path, deckName: deckName, deckIsExplicit: explicit, text: decoded.text,
                              format: format, warnings: warnings)
        file.digest = FileDigest.of(bytes)
        return file
    }

    /// `.csv`/`.tsv` are delimited; `.txt` is Markdown unless it starts with Anki's text
    /// export headers (`#separator:`, `#html:`, …) or is a table as Anki exports it
    /// (`DelimitedParser.looksLikeTable`); other extensions give `nil`.
    static func format(path: String, text: String) -> SourceFormat? {
        switch (lastComponent(path) as NSString).pathExtension.lowercased() {
        case "md", "markdown": return .markdown
        case "csv", "tsv": return .delimited
        case "txt":
            let firstLine = text.prefix(while: { $0 != "\n" }).lowercased()
            for header in DelimitedParser.headerNames where firstLine.hasPrefix("#" + header + ":") {
                return .delimited
            }
            // Anki's "Notes in Plain Text" without headers (older versions, or headers removed).
            return DelimitedParser.looksLikeTable(text) ? .delimited : .markdown
        default: return nil
        }
    }

    static func lastComponent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        if let slash = p.lastIndex(of: "/") { return String(p[p.index(after: slash)...]) }
        return String(p)
    }

    /// `lang/rust.md` → `lang::rust`.
    static func deckName(relativePath: String) -> String {
        var parts = relativePath.split(separator: "/").map(String.init)
        if let last = parts.popLast() {
            let base = (last as NSString).deletingPathExtension
            parts.append(base.isEmpty ? last : base)
        }
        return parts.joined(separator: "::")
    }

    /// Relative paths of importable files below `directory`, sorted.
    static func filesBelow(_ directory: String) -> [String] {
        let url = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(
            at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { return [] }
        let base = url.standardizedFileURL.resolvingSymlinksInPath().path
        var result: [String] = []
        for case let file as URL in enumerator {
            guard extensions.contains(file.pathExtension.lowercased()),
                  (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = file.standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(base + "/") else { continue }
            result.append(String(full.dropFirst(base.count + 1)))
        }
        return result.sorted()
    }

    static func commonDirectory(_ paths: [String]) -> String {
        guard var common = paths.first?.split(separator: "/", omittingEmptySubsequences: false) else { return "." }
        for path in paths.dropFirst() {
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            var n = 0
            while n < min(common.count, parts.count), common[n] == parts[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        let joined = common.joined(separator: "/")
        return joined.isEmpty ? "." : joined + "/"
    }
}
