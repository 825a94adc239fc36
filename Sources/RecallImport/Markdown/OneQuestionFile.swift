/// A folder of one-question files, as documentation sites and note vaults are written: each
/// file is one question, its title (the YAML front matter's `title:`, else its first heading)
/// the front and the rest of the file the back (issue 11).
///
/// Whether a folder has that shape is decided from the structure of its files, never from
/// their words: most of its Markdown files have a single title and no sibling questions
/// (`SourceReader.markOneQuestionFiles`). A file that does not (a question bank, a note with
/// explicit cards) is read as usual, even inside such a folder.
enum OneQuestionFile {
    /// The file's title and the blocks of its back, or nil when the file is not one question:
    /// no title, a second heading at the title's level or above, explicit card syntax, or two
    /// or more questions below the title (headings or bold paragraphs).
    struct Shape {
        var front: String
        var line: Int
        /// The title heading's line, left out of the back (nil for a front matter title).
        var headingLine: Int?
    }

    /// A page of documentation or a note is far below this; a file above it is a bank, and
    /// is not parsed twice to find out.
    static let largestPage = 1 << 20

    static func shape(_ file: SourceFile) -> Shape? {
        guard file.format == .markdown, file.text.utf8.count <= largestPage else { return nil }
        let text = MarkdownParser.withoutFrontMatter(file.text)
        let input = MarkdownInput(path: file.path, deck: file.deckName, lines: SourceLines(text))
        guard let document = CmarkDocument(text) else { return nil }
        defer { withExtendedLifetime(document) {} }
        let blocks = Navigation.filter(document.blocks()).kept
        return shape(blocks, input: input, title: frontMatterTitle(file.text))
    }

    private static func shape(_ blocks: [Block], input: MarkdownInput, title: (text: String, line: Int)?) -> Shape? {
        if blocks.contains(where: { ExplicitCards.isCardSeparator($0, input) })
            || ObsidianSyntax.hasFlashcardsTagLine(input.lines.text) { return nil }
        if ExplicitCards.mightContainMarkers(input.lines.text) {
            var parser = MarkerParser(input: input, obsidian: ObsidianSyntax.hasSignal(input.lines.text))
            for block in blocks { try? parser.feed(block) }
            try? parser.finish()
            if parser.sawMarker { return nil }
        }
        let headings = blocks.filter(\.isHeading)
        var shape: Shape
        var below = headings[...]
        if let title {
            shape = Shape(front: title.text, line: title.line, headingLine: nil)
            // A first heading that repeats the title is the title.
            if let first = headings.first, Inlines.plain(first.node).trimmed == title.text {
                shape.headingLine = first.startLine
                below = headings.dropFirst()
            }
        } else {
            guard let first = headings.first, let level = first.headingLevel else { return nil }
            // The first heading is a title when it comes before any text and no other heading is at its level or above.
            guard blocks.first?.startLine == first.startLine,
                  !headings.dropFirst().contains(where: { ($0.headingLevel ?? 7) <= level }) else { return nil }
            let front = Inlines.markdown(first.node).trimmed
            guard !front.isEmpty else { return nil }
            shape = Shape(front: front, line: first.startLine, headingLine: first.startLine)
            below = headings.dropFirst()
        }
        var questions = below.reduce(0) { $0 + (Phrases.isQuestion(Inlines.plain($1.node)) ? 1 : 0) }
        for block in blocks where block.kind == .paragraph && Inlines.isAllStrong(block.node) {
            if Phrases.isQuestion(Inlines.plain(block.node)) { questions += 1 }
        }
        return questions >= 2 ? nil : shape
    }

    /// The note of a file that `shape` accepted: the title, and every block but the title
    /// heading (navigation left out) as the back. Nil when the back is empty.
    static func parse(_ file: SourceFile) -> ParsedSource? {
        let text = MarkdownParser.withoutFrontMatter(file.text)
        let input = MarkdownInput(path: file.path, deck: file.deckName, lines: SourceLines(text))
        guard let document = CmarkDocument(text) else { return nil }
        defer { withExtendedLifetime(document) {} }
        let (blocks, skipped) = Navigation.filter(document.blocks())
        guard let shape = shape(blocks, input: input, title: frontMatterTitle(file.text)) else { return nil }
        let back = blocks.filter { $0.startLine != shape.headingLine }
            .map { input.lines.slice($0.startLine, $0.endLine).trimmed }
            .filter { !$0.isEmpty }
            .joined(separator: "\n\n")
        var parsed = ParsedSource(notes: [], warnings: [])
        if back.isEmpty {
            parsed.skipped.append(SkippedSection(line: shape.line, reason: "empty"))
        } else {
            parsed.notes = [input.note(front: shape.front, back: back, line: shape.line)]
        }
        parsed.skipped += skipped.map { SkippedSection(line: $0.line, reason: $0.reason) }
        parsed.skipped.sort { $0.line < $1.line }
        return parsed
    }

    /// `title:` in a YAML front matter block at the top of the file (`title = …` in Hugo's TOML
    /// one), unquoted, with its line.
    static func frontMatterTitle(_ text: String) -> (text: String, line: Int)? {
        let toml = text.hasPrefix("+++\n") || text.hasPrefix("+++\r\n")
        guard toml || text.hasPrefix("---\n") || text.hasPrefix("---\r\n") else { return nil }
        var number = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix(200) {
            number += 1
            let trimmed = line.trimmed
            if toml ? trimmed == "+++" : trimmed == "---" || trimmed == "..." { return nil }
            let key = line.prefix(while: { $0 != ":" && $0 != "=" })
            guard key.trimmed == "title", key.count < line.count, line[key.endIndex] == (toml ? "=" : ":"),
                  toml || key == "title" else { continue }
            var value = line[line.index(after: key.endIndex)...].trimmed[...]
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            // A block scalar (`title: >`) or an empty title is no front.
            guard !value.isEmpty, value != ">", value != "|" else { return nil }
            return (String(value), number)
        }
        return nil
    }
}
