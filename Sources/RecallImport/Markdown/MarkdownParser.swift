import Foundation
import RecallModel
import RecallScheduler

/// Markdown files, parsed with libcmark. Explicit card syntaxes win; a file without any
/// is read as a document and turned into cards by its structure (`DocumentCards`).
enum MarkdownParser {
    static func parse(_ file: SourceFile) throws(ImportError) -> ParsedSource {
        let text = withoutFrontMatter(file.text)
        let input = MarkdownInput(path: file.path, deck: file.deckName, lines: SourceLines(text))
        // The only strong reference to the tree, so that it can go before the answers are made.
        var document = CmarkDocument(text)
        guard document != nil else { return ParsedSource(notes: [], warnings: []) }
        let (blocks, skipped) = Navigation.filter(BlockShapes.normalize(document?.blocks() ?? [], input.lines))
        var result: ParsedSource
        if let explicit = try ExplicitCards.parse(blocks, input) {
            result = explicit
        } else if ObsidianSyntax.hasFlashcardsTagLine(text) {
            // A note tagged for Obsidian Spaced Repetition whose cards are not written yet: the
            // plugin makes none, and its prose (with the tag line) is no card either.
            result = ParsedSource(notes: [], warnings: [])
        } else {
            result = DocumentCards.parse(consume blocks, input) { document = nil }
        }
        withExtendedLifetime(document) {}
        // Obsidian's `<!--SR:…-->` scheduling comments are metadata, like front matter: not a
        // section that made no card.
        result.skipped += skipped.filter { !input.lines.line($0.line).hasPrefix("<!--SR:") }
            .map { SkippedSection(line: $0.line, reason: $0.reason) }
        result.skipped.sort { $0.line < $1.line }
        return result
    }

    /// The text with a YAML front matter block (`---` … `---` at the top, as documentation
    /// sites and note vaults write) turned into blank lines: metadata, not content, and the
    /// line numbers of everything after it stay as they are.
    static func withoutFrontMatter(_ text: String) -> String {
        // YAML between `---` lines; TOML between `+++` lines (Hugo).
        let toml = text.hasPrefix("+++\n") || text.hasPrefix("+++\r\n")
        guard toml || text.hasPrefix("---\n") || text.hasPrefix("---\r\n") else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 2 else { return text }
        for k in 1..<min(lines.count, 200) {
            let line = lines[k].trimmingCharacters(in: .whitespaces)
            if toml ? line == "+++" : line == "---" || line == "..." {
                for n in 0...k { lines[n] = "" }
                return lines.joined(separator: "\n")
            }
            // Front matter is `key: value` lines, list items and indented continuations.
            let first = lines[k].first
            if toml { continue }
            if !(line.isEmpty || line.contains(":") || first == " " || first == "-" || first == "#") { return text }
        }
        return text
    }
}

struct MarkdownInput {
    let path: String
    let deck: String?
    let lines: SourceLines

    func note(front: String, back: String, kind: NoteKind = .basic, line: Int) -> NoteDraft {
        NoteDraft(front: front, back: back, tags: [], kind: kind, source: path, line: line, deck: deck)
    }
}
