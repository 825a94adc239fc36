import CCmark
import RecallModel

/// The card syntaxes people already write, found in the blocks cmark gives us:
///
/// - `Q:` question / `A:` answer (hashcards); each runs until the next marker, heading or
///   thematic break, across paragraphs, lists and code blocks. A `C:` cloze is one paragraph.
/// - `front :: back` on one line, `front ::: back` for a reversed pair (Obsidian Spaced
///   Repetition; `front::back` without spaces too, see `MarkerParser.splitCardLine`).
/// - Obsidian's multi-line cards: question lines, a line `?` (`??` for a card each way),
///   answer lines, up to the next blank line; `==highlight==` clozes; `#flashcards` tag lines
///   and `<!--SR:…-->` scheduling comments are not text (`ObsidianSyntax`).
/// - `C:` text with `[hidden]` spans, or any paragraph with Anki's `{{c1::text::hint}}`.
/// - `front`, a `---` line, `back`, cards separated by `===` lines (markdown-to-anki).
///
/// Returns `nil` when the file uses none of them, so the document heuristics take over.
enum ExplicitCards {
    static func parse(_ blocks: [Block], _ input: MarkdownInput) throws(ImportError) -> ParsedSource? {
        if blocks.contains(where: { isCardSeparator($0, input) }) {
            return try separatedCards(blocks, input)
        }
        guard mightContainMarkers(input.lines.text) else { return singleDashCard(blocks, input) }
        let obsidian = ObsidianSyntax.hasSignal(input.lines.text)
        var parser = MarkerParser(input: input, obsidian: obsidian)
        for block in blocks { try parser.feed(block) }
        try parser.finish()
        guard parser.sawMarker else {
            guard !parser.warnings.isEmpty else { return singleDashCard(blocks, input) }
            // A stray `A:` line alone is prose: the document is read by its structure, with a warning.
            var document = DocumentCards.parse(blocks, input)
            document.warnings = parser.warnings + document.warnings
            return document
        }
        let explicit = ParsedSource(notes: parser.notes, warnings: parser.warnings)
        if parser.sawBlockMarker || obsidian { return explicit }
        // Only one-line syntaxes (`front :: back`, `{{c1::…}}`, `==highlight==`): they are the
        // document's card syntax when nothing else in it is a card, or when they repeat (two
        // or more) and make at least as many cards as its structure. Otherwise (one `::` in
        // the prose of a question bank) the questions win, and each line that would have been
        // a card is named in a warning, so nothing is lost unsaid.
        let document = DocumentCards.parse(blocks, input)
        let explicitWins = document.notes.isEmpty
            || explicit.notes.count >= 2 && explicit.notes.count >= document.notes.count
        guard !explicitWins else { return explicit }
        var result = document
        let reason = document.notes.count == 1
            ? "the document's one question is its card" : "the document's cards are its \(document.notes.count) questions"
        result.warnings = parser.warnings + document.warnings + explicit.notes.map {
            ImportWarning(path: input.path, line: $0.line, message: "read as text, not as a card: " + reason)
        }
        return result
    }

    /// A conservative byte scan for `Q:`, `A:`, `C:`, `::`, `{{c`, `==` and a line `?` anywhere,
    /// so documents without any skip the line-by-line marker parser (false alarms only cost time).
    static func mightContainMarkers(_ text: String) -> Bool {
        func scan(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
            var previous: UInt8 = 0
            var beforePrevious: UInt8 = 0
            for c in buf {
                if c == 58, previous == 58 || previous == 81 || previous == 65 || previous == 67 { return true }
                if c == 99, previous == 123, beforePrevious == 123 { return true }
                if c == 61, previous == 61 { return true }
                if c == 10, previous == 63, beforePrevious == 10 || beforePrevious == 63 { return true }
                beforePrevious = previous
                previous = c
            }
            return false
        }
        return text.utf8.withContiguousStorageIfAvailable(scan) ?? true
    }

    // MARK: - front --- back === …

    /// A paragraph that is only `===` (a setext underline needs a paragraph right above it,
    /// so with blank lines around it is a paragraph of its own).
    static func isCardSeparator(_ block: Block, _ input: MarkdownInput) -> Bool {
        guard block.kind == .paragraph, block.startLine == block.endLine,
              input.lines.line(block.startLine).utf8.first(where: { $0 != 32 }) == UInt8(ascii: "=") else { return false }
        let line = input.lines.line(block.startLine).trimmed
        return line.count >= 3 && line.allSatisfy { $0 == "=" }
    }

    static func isDashBreak(_ block: Block, _ input: MarkdownInput) -> Bool {
        block.kind == .thematicBreak && input.lines.line(block.startLine).trimmed.hasPrefix("---")
    }

    private static func separatedCards(_ blocks: [Block], _ input: MarkdownInput) throws(ImportError) -> ParsedSource {
        var notes: [NoteDraft] = []
        var segment: [Block] = []
        func flush() throws(ImportError) {
            defer { segment = [] }
            guard let first = segment.first else { return }
            if let dash = segment.firstIndex(where: { isDashBreak($0, input) }) {
                let front = text(segment[..<dash], input)
                let back = text(segment[(dash + 1)...], input)
                guard !front.isEmpty, !back.isEmpty else { throw .emptyCardSide(path: input.path, line: first.startLine) }
                notes.append(input.note(front: front, back: back, line: first.startLine))
            } else if first.headingLevel == 2, isSetext(first, input) {
                // `front` directly above `---` is a setext heading: the same card without blank lines.
                let front = Inlines.markdown(first.node)
                let back = text(segment.dropFirst(), input)
                guard !front.isEmpty, !back.isEmpty else { throw .emptyCardSide(path: input.path, line: first.startLine) }
                notes.append(input.note(front: front, back: back, line: first.startLine))
            } else {
                throw .cardWithoutSeparator(path: input.path, line: first.startLine)
            }
        }
        for block in blocks {
            if isCardSeparator(block, input) {
                try flush()
            } else {
                segment.append(block)
            }
        }
        try flush()
        return ParsedSource(notes: notes, warnings: [])
    }

    /// A file that is exactly one card: a short front, one `---`, a back.
    private static func singleDashCard(_ blocks: [Block], _ input: MarkdownInput) -> ParsedSource? {
        let breaks = blocks.indices.filter { blocks[$0].kind == .thematicBreak }
        guard breaks.count == 1, let dash = breaks.first, dash == 1, isDashBreak(blocks[dash], input),
              blocks[0].kind == .paragraph, blocks.count > 2, !blocks.contains(where: \.isHeading) else { return nil }
        let front = text(blocks[..<dash], input)
        let back = text(blocks[(dash + 1)...], input)
        guard !front.isEmpty, !back.isEmpty else { return nil }
        return ParsedSource(notes: [input.note(front: front, back: back, line: blocks[0].startLine)], warnings: [])
    }

    private static func isSetext(_ heading: Block, _ input: MarkdownInput) -> Bool {
        var n = heading.startLine + 1
        while n <= input.lines.count {
            let line = input.lines.line(n).trimmed
            if line.isEmpty { return false }
            if line.allSatisfy({ $0 == "-" }) { return true }
            if line.allSatisfy({ $0 == "=" }) { return false }
            n += 1
        }
        return false
    }

    static func text<C: Collection>(_ blocks: C, _ input: MarkdownInput) -> String where C.Element == Block {
        guard let first = blocks.first else { return "" }
        var last = first
        for b in blocks { last = b }
        return input.lines.slice(first.startLine, last.endLine).trimmed
    }
}

/// The line-marker syntaxes: a small state machine over the lines of cmark's paragraphs, in
/// the manner of hashcards. Code blocks are never looked into, so `Q:` inside a fence is code.
struct MarkerParser {
    let input: MarkdownInput
    /// The note was written for Obsidian Spaced Repetition (`ObsidianSyntax.hasSignal`).
    let obsidian: Bool
    var notes: [NoteDraft] = []
    var warnings: [ImportWarning] = []
    var sawMarker = false
    /// A marker that spans blocks (`Q:`, `A:`, `C:`, a multi-line `?` card): a file with one
    /// is written in card syntax through and through.
    var sawBlockMarker = false
    /// The deck a `#flashcards/deck` tag line of the note names: as in the plugin, the note's
    /// tag applies to all its cards, wherever the tag line is.
    private let tagDeck: String?
    /// The last line of the last block fed: a multi-line `?` card ends at a blank line.
    private var lastEndLine = 0

    private enum Field { case question, answer, cloze }

    /// One chunk of text per source paragraph or block, with its first line.
    private struct Chunk {
        var line: Int
        var text: String
    }

    private struct Pending {
        var field: Field
        var line: Int
        var question: [Chunk] = []
        var answer: [Chunk]? = nil
        var answerLine = 0
        var cloze: [Chunk] = []
        /// An Obsidian multi-line card: it ends at the first blank line.
        var endsAtBlankLine = false
        var reversed = false
    }

    private var pending: Pending?

    init(input: MarkdownInput, obsidian: Bool = false) {
        self.input = input
        self.obsidian = obsidian
        tagDeck = obsidian ? Self.tagDeck(input.lines) : nil
    }

    /// The deck of the first tag line with a `#flashcards/deck` tag (letters, digits, `_`, `-`
    /// and `/` always make a valid deck name; checked all the same).
    private static func tagDeck(_ lines: SourceLines) -> String? {
        guard lines.text.contains("#flashcards/") else { return nil }
        for n in 1...max(lines.count, 1) {
            let line = lines.line(n).trimmed[...]
            guard line.hasPrefix("#"), ObsidianSyntax.isTagLine(line),
                  let deck = ObsidianSyntax.deck(fromTagLine: line), DeckName.problem(deck) == nil else { continue }
            return deck
        }
        return nil
    }

    mutating func feed(_ block: Block) throws(ImportError) {
        defer { lastEndLine = block.endLine }
        if pending?.endsAtBlankLine == true, block.startLine > lastEndLine + 1 { try close() }
        switch block.kind {
        case .paragraph:
            try paragraph(block)
            // A cloze is one paragraph; answers run on across paragraphs, lists and code.
            if pending?.field == .cloze { try close() }
        case .heading, .thematicBreak:
            try close()
        case .list:
            if pending != nil {
                append(Chunk(line: block.startLine, text: input.lines.slice(block.startLine, block.endLine)), newChunk: true)
            } else {
                listLines(block)
            }
        default:
            if pending != nil {
                append(Chunk(line: block.startLine, text: input.lines.slice(block.startLine, block.endLine)), newChunk: true)
            }
        }
    }

    mutating func finish() throws(ImportError) { try close() }

    // MARK: - Paragraphs

    private mutating func paragraph(_ block: Block) throws(ImportError) {
        if pending == nil, let separator = (block.startLine...block.endLine).first(where: {
            ObsidianSyntax.multiLineSeparator(input.lines.line($0)) != nil
        }) {
            try multiLineCard(block, separator: separator)
            return
        }
        var firstLine = true
        var madeCard = false
        for n in block.startLine...block.endLine {
            let raw = input.lines.line(n)
            let line = ObsidianSyntax.withoutSchedulingComments(raw.drop(while: { $0 == " " || $0 == "\t" }))
            defer { firstLine = false }
            if obsidian, ObsidianSyntax.isTagLine(line) { continue }
            if let rest = Self.marker("Q:", line) {
                try close()
                sawMarker = true
                sawBlockMarker = true
                pending = Pending(field: .question, line: n, question: [Chunk(line: n, text: rest.trimmed)])
                continue
            }
            if let rest = Self.marker("A:", line) {
                guard var p = pending, p.field == .question else {
                    // A stray `A:` (prose, or a question lost in editing) is not worth the
                    // whole import: it is named, and the rest of the file is read.
                    warnings.append(ImportWarning(path: input.path, line: n,
                                                  message: "answer without a question (Q: … A:); it makes no card"))
                    if pending != nil { try close() }
                    continue
                }
                sawMarker = true
                p.field = .answer
                p.answer = [Chunk(line: n, text: rest.trimmed)]
                p.answerLine = n
                pending = p
                continue
            }
            if let rest = Self.marker("C:", line) {
                try close()
                sawMarker = true
                sawBlockMarker = true
                pending = Pending(field: .cloze, line: n, cloze: [Chunk(line: n, text: rest.trimmed)])
                continue
            }
            if firstLine || pending == nil, let card = Self.splitCard(line, obsidian: obsidian),
               !card.loose || isCardLinesOnly(block) {
                try close()
                sawMarker = true
                madeCard = true
                notes.append(note(front: card.front, back: card.back, kind: card.reversed ? .reversed : .basic, line: n))
                continue
            }
            if pending != nil {
                append(Chunk(line: n, text: String(line)), newChunk: firstLine)
            } else if firstLine, Cloze.mayUseAnkiSyntax(input.lines, block.startLine, block.endLine),
                      Cloze.usesAnkiSyntax(input.lines.slice(block.startLine, block.endLine)) {
                // A paragraph with {{c1::…}} is a cloze note of its own, as pasted from Anki.
                sawMarker = true
                let text = cardText(block.startLine, block.endLine)
                notes.append(try clozeNote([Chunk(line: n, text: text)], line: n))
                return
            }
        }
        // A paragraph with `==highlights==` and no other card in it: one card per highlight.
        if pending == nil, !madeCard, let cloze = ObsidianSyntax.highlightCloze(cardText(block.startLine, block.endLine)) {
            sawMarker = true
            notes.append(try clozeNote([Chunk(line: block.startLine, text: cloze)], line: block.startLine))
        }
    }

    /// Whether every line of a paragraph is a `front::back` line (or a tag line): where a
    /// `::` without spaces is a card outside a note for the plugin; in a sentence it is a path.
    private func isCardLinesOnly(_ block: Block) -> Bool {
        (block.startLine...block.endLine).allSatisfy { n in
            let line = ObsidianSyntax.withoutSchedulingComments(input.lines.line(n).drop(while: { $0 == " " || $0 == "\t" }))
            return line.isEmpty || Self.splitCard(line, obsidian: obsidian) != nil
        }
    }

    /// An Obsidian multi-line card: the paragraph's lines above the lone `?` (or `??`) are the
    /// question, the lines below it and any block right under them (a list, code) the answer,
    /// up to the next blank line.
    private mutating func multiLineCard(_ block: Block, separator: Int) throws(ImportError) {
        var question: [String] = []
        for n in block.startLine..<separator {
            let line = ObsidianSyntax.withoutSchedulingComments(input.lines.line(n))
            if obsidian, ObsidianSyntax.isTagLine(line.trimmed[...]) { continue }
            question.append(String(line))
        }
        let front = question.joined(separator: "\n").trimmed
        guard !front.isEmpty else {
            warnings.append(ImportWarning(path: input.path, line: separator,
                                          message: "`?` card without a question above it; it makes no card"))
            return
        }
        sawMarker = true
        sawBlockMarker = true
        let questionLine = block.startLine + (question.firstIndex { !$0.trimmed.isEmpty } ?? 0)
        let answer = separator < block.endLine ? cardText(separator + 1, block.endLine) : ""
        pending = Pending(field: .answer, line: questionLine, question: [Chunk(line: questionLine, text: front)],
                          answer: [Chunk(line: separator + 1, text: answer)], answerLine: separator,
                          endsAtBlankLine: true, reversed: ObsidianSyntax.multiLineSeparator(input.lines.line(separator)) == true)
    }

    /// Lines `first...last` as card text: without scheduling comments, and without tag lines in
    /// an Obsidian note.
    private func cardText(_ first: Int, _ last: Int) -> String {
        guard obsidian || input.lines.slice(first, last).contains("<!--SR:") else { return input.lines.slice(first, last).trimmed }
        var lines: [Substring] = []
        for n in first...last {
            let line = ObsidianSyntax.withoutSchedulingComments(input.lines.line(n))
            if obsidian, ObsidianSyntax.isTagLine(line.trimmed[...]) { continue }
            lines.append(line)
        }
        return lines.joined(separator: "\n").trimmed
    }

    private func note(front: String, back: String, kind: NoteKind = .basic, line: Int) -> NoteDraft {
        var draft = input.note(front: front, back: back, kind: kind, line: line)
        if let tagDeck { draft.deck = tagDeck }
        return draft
    }

    /// `front :: back` lines inside list items (`- term :: definition`).
    private mutating func listLines(_ block: Block) {
        for item in block.children {
            for child in item.children {
                if child.kind == .paragraph {
                    let column = Int(cmark_node_get_start_column(child.node))
                    for n in child.startLine...child.endLine {
                        let raw = input.lines.line(n)
                        let line = n == child.startLine ? raw.dropFirst(max(column - 1, 0)) : raw.drop(while: { $0 == " " })
                        if let card = Self.splitCardLine(ObsidianSyntax.withoutSchedulingComments(line), obsidian: obsidian) {
                            sawMarker = true
                            notes.append(note(front: card.front, back: card.back,
                                              kind: card.reversed ? .reversed : .basic, line: n))
                        }
                    }
                } else if child.isList {
                    listLines(child)
                }
            }
        }
    }

    private mutating func append(_ chunk: Chunk, newChunk: Bool) {
        guard var p = pending else { return }
        func add(_ chunks: inout [Chunk]) {
            if !newChunk, let last = chunks.indices.last {
                chunks[last].text += chunks[last].text.isEmpty ? chunk.text : "\n" + chunk.text
            } else {
                chunks.append(chunk)
            }
        }
        switch p.field {
        case .question: add(&p.question)
        case .answer:
            var a = p.answer ?? []
            add(&a)
            p.answer = a
        case .cloze: add(&p.cloze)
        }
        pending = p
    }

    private static func joined(_ chunks: [Chunk]) -> String {
        chunks.map(\.text).filter { !$0.isEmpty }.joined(separator: "\n\n").trimmed
    }

    private mutating func close() throws(ImportError) {
        guard let p = pending else { return }
        pending = nil
        switch p.field {
        case .question:
            throw .questionWithoutAnswer(path: input.path, line: p.line)
        case .answer:
            let question = Self.joined(p.question)
            let answer = Self.joined(p.answer ?? [])
            guard !question.isEmpty else { throw .emptyQuestion(path: input.path, line: p.line) }
            guard !answer.isEmpty else { throw .emptyAnswer(path: input.path, line: p.answerLine) }
            notes.append(note(front: question, back: answer, kind: p.reversed ? .reversed : .basic, line: p.line))
        case .cloze:
            notes.append(try clozeNote(p.cloze, line: p.line))
        }
    }

    private func clozeNote(_ chunks: [Chunk], line: Int) throws(ImportError) -> NoteDraft {
        let text = Self.joined(chunks)
        let anki = Cloze.usesAnkiSyntax(text)
        for chunk in chunks {
            do {
                _ = try Cloze.segments(chunk.text, anki: anki)
            } catch {
                let offset: Int
                switch error {
                case .unclosedAnki(let o), .unclosedBracket(let o): offset = o
                }
                let errorLine = chunk.line + chunk.text.utf8.prefix(offset).reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                switch error {
                case .unclosedAnki: throw .unclosedCloze(path: input.path, line: errorLine)
                case .unclosedBracket: throw .unclosedBracket(path: input.path, line: errorLine)
                }
            }
        }
        let ordinals = Cloze.ordinals(in: text)
        guard !ordinals.isEmpty else { throw .clozeWithoutDeletion(path: input.path, line: line) }
        return NoteDraft(front: text, back: "", tags: [], kind: .cloze, source: input.path, line: line,
                         deck: tagDeck ?? input.deck, ordinals: ordinals)
    }

    // MARK: - Line syntax

    /// The rest of the line after `Q:`/`A:`/`C:` (which must be followed by a space or end the line).
    static func marker(_ marker: String, _ line: Substring) -> Substring? {
        guard line.hasPrefix(marker) else { return nil }
        let rest = line.dropFirst(marker.count)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        return rest
    }

    /// `front :: back` or `front ::: back` (reversed), outside inline code and `{{…}}`, so
    /// `a :: b` in code and `{{c1::x}}` are not cards. Obsidian writes the separator without
    /// spaces too (`front::back`); without spaces it is a card in a note written for the plugin
    /// (`obsidian`), for `:::` (no language writes it inside a line), or when the front is more
    /// than one word or a question with its brackets closed, so that `std::vector`,
    /// `(std::vector …)` and `fe80::1` in prose stay text.
    static func splitCardLine(_ line: Substring, obsidian: Bool = false) -> (front: String, back: String, reversed: Bool)? {
        splitCard(line, obsidian: obsidian).map { ($0.front, $0.back, $0.reversed) }
    }

    /// `splitCardLine`, and whether the card was read from `::` without spaces in a note not
    /// written for the plugin (`loose`): such a line is a card only where it stands on its own
    /// (see `paragraph`), never inside a sentence.
    static func splitCard(_ line: Substring, obsidian: Bool) -> (front: String, back: String, reversed: Bool, loose: Bool)? {
        var previous: UInt8 = 0
        var hasDoubleColon = false
        for c in line.utf8 {
            if c == UInt8(ascii: ":"), previous == c { hasDoubleColon = true; break }
            previous = c
        }
        guard hasDoubleColon else { return nil }
        let bytes = Array(line.utf8)
        func isSpace(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var inCode = false
        var braces = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "`") { inCode.toggle() }
            if !inCode, b == UInt8(ascii: "{"), i + 1 < bytes.count, bytes[i + 1] == b { braces += 1; i += 2; continue }
            if !inCode, b == UInt8(ascii: "}"), i + 1 < bytes.count, bytes[i + 1] == b, braces > 0 { braces -= 1; i += 2; continue }
            if !inCode, braces == 0, b == UInt8(ascii: ":"), i + 1 < bytes.count, bytes[i + 1] == b {
                var j = i + 2
                var colons = 2
                while j < bytes.count, bytes[j] == UInt8(ascii: ":") { colons += 1; j += 1 }
                if colons <= 3, j < bytes.count {
                    let front = String(decoding: bytes[..<i], as: UTF8.self).trimmed
                    let back = String(decoding: bytes[j...], as: UTF8.self).trimmed
                    let spaced = i > 0 && isSpace(bytes[i - 1]) && isSpace(bytes[j])
                    let looseOK = obsidian || colons == 3
                        || (front.contains(" ") || front.hasSuffix("?")) && Self.isBalanced(front) && !Self.startsLikeCode(back)
                    if !front.isEmpty, !back.isEmpty, spaced || looseOK {
                        return (front, back, colons == 3, !spaced && !obsidian && colons == 2 && !front.hasSuffix("?"))
                    }
                }
                i = j
                continue
            }
            i += 1
        }
        return nil
    }

    /// Whether the text starts with a token of code (`new()`, `Vec<T>`, `iter::once`), as after
    /// the `::` of a path in prose (`call Vec::new()`), which no card's answer does.
    static func startsLikeCode(_ text: String) -> Bool {
        let token = text.prefix { $0 != " " && $0 != "\t" }
        return token.contains("(") || token.contains("<") || token.contains("[") || token.contains("::")
    }

    /// Whether every `(` and `[` in the text is closed within it.
    static func isBalanced(_ text: String) -> Bool {
        var depth = 0
        for c in text.utf8 {
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") { depth += 1 }
            if c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { depth -= 1 }
            if depth < 0 { return false }
        }
        return depth == 0
    }
}
