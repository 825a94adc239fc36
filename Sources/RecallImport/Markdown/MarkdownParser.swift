import RecallModel
import RecallScheduler

/// Markdown files, parsed with libcmark. Explicit card syntaxes win; a file without any
/// is read as a document and turned into cards by its structure (`DocumentCards`).
enum MarkdownParser {
    static func parse(_ file: SourceFile) throws(ImportError) -> ParsedSource {
        let input = MarkdownInput(path: file.path, deck: file.deckName, lines: SourceLines(file.text))
        guard let document = CmarkDocument(file.text) else {
            return ParsedSource(notes: [], warnings: [])
        }
        let blocks = document.blocks()
        let result: ParsedSource
        if let explicit = try ExplicitCards.parse(blocks, input) {
            result = explicit
        } else {
            result = DocumentCards.parse(blocks, input)
        }
        withExtendedLifetime(document) {}
        return result
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
