import CCmark

/// The card syntaxes people already write, found in the blocks cmark gives us:
///
/// - `Q:` question / `A:` answer (hashcards); each runs until the next marker, heading or
///   thematic break, across paragraphs, lists and code blocks. A `C:` cloze is one paragraph.
/// - `front :: back` on one line, `front ::: back` for a reversed pair (Obsidian).
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
        var parser = MarkerParser(input: input)
        for block in blocks { try parser.feed(block) }
        try parser.finish()
        if parser.sawMarker { return ParsedSource(notes: parser.notes, warnings: parser.warnings) }
        return singleDashCard(blocks, input)
    }

    /// A conservative byte scan for `Q:`, `A:`, `C:`, `::` and `{{c` anywhere, so documents
    /// without any skip the line-by-line marker parser (false alarms only cost time).
    static func mightContainMarkers(_ text: String) -> Bool {
        func scan(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
            var previous: UInt8 = 0
            var beforePrevious: UInt8 = 0
            for c in buf {
                if c == 58, previous == 58 || previous == 81 || previous == 65 || previous == 67 { return true }
                if c == 99, previous == 123, beforePrevious == 123 { return true }
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
    var notes: [NoteDraft] = []
    var warnings: [ImportWarning] = []
    var sawMarker = false

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
    }

    private var pending: Pending?

    init(input: MarkdownInput) { self.input = input }

    mutating func feed(_ block: Block) throws(ImportError) {
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
        var firstLine = true
        for n in block.startLine...block.endLine {
            let raw = input.lines.line(n)
            let line = raw.drop(while: { $0 == " " || $0 == "\t" })
            defer { firstLine = false }
            if let rest = Self.marker("Q:", line) {
                try close()
                sawMarker = true
                pending = Pending(field: .question, line: n, question: [Chunk(line: n, text: rest.trimmed)])
                continue
            }
            if let rest = Self.marker("A:", line) {
                sawMarker = true
                guard var p = pending, p.field == .question else { throw .answerWithoutQuestion(path: input.path, line: n) }
                p.field = .answer
                p.answer = [Chunk(line: n, text: rest.trimmed)]
                p.answerLine = n
                pending = p
                continue
            }
            if let rest = Self.marker("C:", line) {
                try close()
                sawMarker = true
                pending = Pending(field: .cloze, line: n, cloze: [Chunk(line: n, text: rest.trimmed)])
                continue
            }
            if firstLine || pending == nil, let card = Self.splitCardLine(line) {
                try close()
                sawMarker = true
                notes.append(input.note(front: card.front, back: card.back, kind: card.reversed ? .reversed : .basic, line: n))
                continue
            }
            if pending != nil {
                append(Chunk(line: n, text: String(line)), newChunk: firstLine)
            } else if firstLine, Cloze.mayUseAnkiSyntax(input.lines, block.startLine, block.endLine),
                      Cloze.usesAnkiSyntax(input.lines.slice(block.startLine, block.endLine)) {
                // A paragraph with {{c1::…}} is a cloze note of its own, as pasted from Anki.
                sawMarker = true
                let text = input.lines.slice(block.startLine, block.endLine).trimmed
                notes.append(try clozeNote([Chunk(line: n, text: text)], line: n))
                return
            }
        }
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
                        if let card = Self.splitCardLine(line) {
                            sawMarker = true
                            notes.append(input.note(front: card.front, back: card.back,
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
            notes.append(input.note(front: question, back: answer, line: p.line))
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
                         deck: input.deck, ordinals: ordinals)
    }

    // MARK: - Line syntax

    /// The rest of the line after `Q:`/`A:`/`C:` (which must be followed by a space or end the line).
    static func marker(_ marker: String, _ line: Substring) -> Substring? {
        guard line.hasPrefix(marker) else { return nil }
        let rest = line.dropFirst(marker.count)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        return rest
    }

    /// `front :: back` or `front ::: back`: the separator needs a space on both sides and
    /// must be outside inline code, so `std::vector` and `{{c1::x}}` are not cards.
    static func splitCardLine(_ line: Substring) -> (front: String, back: String, reversed: Bool)? {
        var previous: UInt8 = 0
        var hasDoubleColon = false
        for c in line.utf8 {
            if c == UInt8(ascii: ":"), previous == c { hasDoubleColon = true; break }
            previous = c
        }
        guard hasDoubleColon else { return nil }
        let bytes = Array(line.utf8)
        var inCode = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "`") { inCode.toggle() }
            if !inCode, b == UInt8(ascii: " "), i + 3 < bytes.count,
               bytes[i + 1] == UInt8(ascii: ":"), bytes[i + 2] == UInt8(ascii: ":") {
                var j = i + 3
                var colons = 2
                while j < bytes.count, bytes[j] == UInt8(ascii: ":") { colons += 1; j += 1 }
                if colons <= 3, j < bytes.count, bytes[j] == UInt8(ascii: " ") || bytes[j] == UInt8(ascii: "\t") {
                    let front = String(decoding: bytes[..<i], as: UTF8.self).trimmed
                    let back = String(decoding: bytes[j...], as: UTF8.self).trimmed
                    if !front.isEmpty, !back.isEmpty { return (front, back, colons == 3) }
                }
                i = j
                continue
            }
            i += 1
        }
        return nil
    }
}
