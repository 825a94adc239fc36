import CCmark

/// Cards from documents written without card markup, such as answers pasted from a chat:
///
/// 1. The file is cut into documents: at each top-level title heading, or — for pasted
///    answers without titles — before a paragraph that opens a new topic ("Deadlock is a
///    situation…", "Here are some…:") right above a top-level heading.
/// 2. Each document becomes a tree of sections: headings, bold-only lines (`**Syntax:**`)
///    and single bold numbered items, with lists of bold labels or questions as leaves.
/// 3. Questions always become cards. Sections and labelled items become cards when their
///    parent is only a container for them; otherwise they stay in the parent's answer.
///    "Example" sections go to the card they illustrate; summaries, conclusions and closing
///    remarks go to the document's overview card (from a defining lead sentence).
/// 4. Fronts carry their context ("Deadlock: resource hierarchy (lock ordering)?") from the
///    nearest meaningful heading or the document's topic, and are made unique.
enum DocumentCards {
    /// `release` is called once the cards are found and before their answers are made, which
    /// read only source lines: the caller frees the cmark tree there, so a big bank's tree and
    /// its answers' text are never in memory together.
    static func parse(_ blocks: consuming [Block], _ input: MarkdownInput, release: () -> Void = {}) -> ParsedSource {
        var run = DocumentRun(input: input, blocks: consume blocks)
        run.run()
        run.releaseBlocks()
        release()
        var parsed = ParsedSource(notes: run.notes(), warnings: run.warnings)
        parsed.skipped = run.skipped
        return parsed
    }
}

/// A stretch of the answer: source lines verbatim, source lines moved left out of a list
/// item, or text cut from a line (what follows an item's bold label).
enum Piece: Equatable {
    case lines(Int, Int)
    case dedented(Int, Int, indent: Int)
    case text(String)
}

/// A heading, bold label line or the document itself, with what it contains in order.
struct Section {
    enum Kind: Equatable { case root, heading, pseudo, details }

    var kind: Kind
    /// Markdown, without bold markers.
    var label: String
    var isQuestion: Bool
    var line: Int
    /// The lines of the heading or label block itself.
    var ownLines: ClosedRange<Int>?
    /// Columns to remove from those lines (a label inside a question's list item).
    var ownIndent = 0
    /// Nesting: heading level, 7 for bold label lines, 0 for the document.
    var level: Int
    var entries: [Entry] = []
    /// Set for "Example…", "Summary", "Conclusion" sections, which join another card.
    var attach: AttachKind? = nil
    /// A question that is one of a bank's run of sibling questions: everything under it
    /// (sub-headings, follow-ups, lists) is its answer, not cards of their own.
    var foldsChildren = false
    /// A question whose last entry is a `<details>` element, in a bank where most questions end
    /// so (multiple choice): what is shown before it (code, choices) is part of the question,
    /// the hidden content is the answer.
    var hidesAnswer = false
}

enum AttachKind: Equatable {
    case summary
    case example(refersBack: Bool)
}

enum Entry {
    case block(Block)
    indirect case child(Section)
}

/// An item of a list of questions or bold labels.
struct LabelledItem {
    var label: String
    var isQuestion: Bool
    var line: Int
    var pieces: [Piece]
    var rich: Bool
}

struct DocumentRun {
    let input: MarkdownInput
    private(set) var blocks: [Block]
    var warnings: [ImportWarning] = []
    /// Questions that made no card, and why ("empty": nothing under them; "too short").
    var skipped: [SkippedSection] = []

    private struct Card {
        var front: String
        /// A fuller front, used when two cards of a file would otherwise have the same one.
        var longFront: String
        var line: Int
        var pieces: [Piece] = []
        /// The rendered answer, once `notes()` has made it.
        var back = ""
        var substantive = false
        var dropped = false
        /// The label whose words an example section is matched against.
        var subjectLabel: String
        /// Made for a question (not a topic that only holds other cards).
        var isQuestion = false
    }

    private struct DocState {
        var topic: String?
        var topicContext: String?
        var topicWords: Set<String> = []
        var overview: Int?
        var cards: [Int] = []
    }

    private var cards: [Card] = []
    private var closing = Set<Int>()
    private var pseudos: [(label: String, isQuestion: Bool)?] = []
    private let sentenceCase: SentenceCase
    private var titleMode = false

    init(input: MarkdownInput, blocks: consuming [Block]) {
        self.input = input
        self.blocks = blocks
        sentenceCase = SentenceCase(evidence: DocumentRun.evidence(input.lines, blocks))
        pseudos = blocks.indices.map { findPseudo($0) }
    }

    // MARK: - Driving

    mutating func run() {
        let ranges = documents()
        for range in ranges {
            markClosingParagraphs(range)
            let root = buildTree(range)
            emitDocument(root, firstBlock: blocks[range.lowerBound], onlyDocument: ranges.count == 1)
        }
    }

    /// Drops the blocks (and the cmark nodes they point into) once `run()` is done.
    mutating func releaseBlocks() {
        blocks = []
        pseudos = []
    }

    /// The drafts, fronts made unique, empty answers skipped. Reads source lines only.
    mutating func notes() -> [NoteDraft] {
        var kept: [Int] = []
        kept.reserveCapacity(cards.count)
        for i in cards.indices where !cards[i].dropped {
            guard cards[i].substantive else {
                // A question with nothing under it is said so; a topic holds other cards.
                if cards[i].isQuestion {
                    skipped.append(SkippedSection(line: cards[i].line, reason: "empty"))
                    warnings.append(ImportWarning(path: input.path, line: cards[i].line,
                                                  message: "skipped \"\(cards[i].front)\" (no answer)"))
                }
                continue
            }
            let back = render(cards[i].pieces)
            if !IdentityKey.hasContent(back, atLeast: 2) {
                skipped.append(SkippedSection(line: cards[i].line, reason: "too short"))
                warnings.append(ImportWarning(path: input.path, line: cards[i].line,
                                              message: "skipped \"\(cards[i].front)\" (empty answer)"))
                continue
            }
            cards[i].back = back
            kept.append(i)
        }
        // Unique fronts: first the fuller form for every card of a clash, then numbers.
        var keys = kept.map { IdentityKey.normalize(cards[$0].front) }
        var firstWithKey: [String: Int] = [:]
        firstWithKey.reserveCapacity(kept.count)
        var clashing = Set<Int>()
        for (n, key) in keys.enumerated() {
            if let first = firstWithKey[key] {
                clashing.insert(first)
                clashing.insert(n)
            } else {
                firstWithKey[key] = n
            }
        }
        for n in clashing.sorted() {
            cards[kept[n]].front = cards[kept[n]].longFront
            keys[n] = IdentityKey.normalize(cards[kept[n]].front)
        }
        var seen: [String: Int] = [:]
        if !clashing.isEmpty { seen.reserveCapacity(kept.count) }
        var result: [NoteDraft] = []
        result.reserveCapacity(kept.count)
        for (n, i) in kept.enumerated() {
            var front = cards[i].front
            if !clashing.isEmpty {
                if let count = seen[keys[n]] {
                    seen[keys[n]] = count + 1
                    front += " (\(count + 1))"
                } else {
                    seen[keys[n]] = 1
                }
            }
            result.append(NoteDraft(front: front, back: cards[i].back, tags: [], kind: .basic, source: input.path,
                                    line: cards[i].line, deck: input.deck, ordinals: [1]))
        }
        return result
    }

    // MARK: - Documents

    /// Index ranges of `blocks`, one per document in the file.
    private mutating func documents() -> [Range<Int>] {
        guard !blocks.isEmpty else { return [] }
        let headingLevels = blocks.compactMap(\.headingLevel)
        if let top = headingLevels.min() {
            let tops = blocks.indices.filter { blocks[$0].headingLevel == top }
            var eachHasSubsections = true
            for (n, start) in tops.enumerated() {
                let end = n + 1 < tops.count ? tops[n + 1] : blocks.count
                if !blocks[(start + 1)..<end].contains(where: { ($0.headingLevel ?? 0) > top }) {
                    eachHasSubsections = false
                }
            }
            let firstHeading = blocks.firstIndex(where: \.isHeading) ?? 0
            if eachHasSubsections, tops.first == firstHeading, tops.count == 1 || top == 1 {
                titleMode = true
                var ranges: [Range<Int>] = []
                if let first = tops.first, first > 0 { ranges.append(0..<first) }
                for (n, start) in tops.enumerated() {
                    ranges.append(start..<(n + 1 < tops.count ? tops[n + 1] : blocks.count))
                }
                return ranges
            }
        }
        var starts = [0]
        var minLevel: Int?
        for i in blocks.indices {
            if let level = blocks[i].headingLevel {
                minLevel = min(minLevel ?? level, level)
                continue
            }
            guard blocks[i].kind == .paragraph, let start = starts.last, i > start + 1, i + 1 < blocks.count,
                  let next = blocks[i + 1].headingLevel, let m = minLevel, next <= m,
                  !blocks[i - 1].isHeading, pseudo(i) == nil, pseudo(i - 1) == nil else { continue }
            if Phrases.lead(Inlines.plain(blocks[i].node)).opensDocument {
                starts.append(i)
                minLevel = nil
            }
        }
        return starts.indices.map { n in starts[n]..<(n + 1 < starts.count ? starts[n + 1] : blocks.count) }
    }

    /// Trailing remarks of a document ("These techniques…", "By understanding…") belong to
    /// its overview, not to the last section they happen to follow.
    private mutating func markClosingParagraphs(_ range: Range<Int>) {
        var i = range.upperBound - 1
        while i > range.lowerBound {
            let b = blocks[i]
            guard b.kind == .paragraph, pseudo(i) == nil, !blocks[i - 1].isHeading, pseudo(i - 1) == nil else { break }
            let text = Inlines.plain(b.node)
            guard Phrases.isAnaphoric(text), !Phrases.refersToExample(text) else { break }
            closing.insert(b.startLine)
            i -= 1
        }
    }

    // MARK: - Sections

    /// A bold-only line, a list of one bold-only item, or a paragraph that is one question:
    /// these open a section like a heading does.
    private func pseudo(_ i: Int) -> (label: String, isQuestion: Bool)? { pseudos[i] }

    private func findPseudo(_ i: Int) -> (label: String, isQuestion: Bool)? {
        let b = blocks[i]
        switch b.kind {
        case .paragraph:
            if let (label, hasRest) = Inlines.leadingStrong(b.node), !hasRest, !label.isEmpty {
                return (label, Phrases.isQuestion(label))
            }
            guard lastCharacter(b) == UInt8(ascii: "?") else { return nil }
            let plain = Inlines.plain(b.node).trimmed
            if plain.hasSuffix("?"), plain.count <= 200, Phrases.sentences(plain).count == 1,
               i + 1 < blocks.count, !blocks[i + 1].isHeading, !Phrases.isAnaphoric(plain) {
                return (Inlines.markdown(b.node, dropStrong: true).trimmed, true)
            }
            return nil
        case .list:
            guard b.children.count == 1, let item = b.children.first, item.children.count == 1,
                  let p = item.children.first, p.kind == .paragraph,
                  let (label, hasRest) = Inlines.leadingStrong(p.node), !hasRest, !label.isEmpty else { return nil }
            return (label, Phrases.isQuestion(label))
        default:
            return nil
        }
    }

    private func buildTree(_ range: Range<Int>) -> Section {
        var stack = [Section(kind: .root, label: "", isQuestion: false, line: blocks[range.lowerBound].startLine,
                             ownLines: nil, level: 0)]
        func pop(toBelow level: Int) {
            while stack.count > 1, let last = stack.last, last.level >= level {
                stack.removeLast()
                stack[stack.count - 1].entries.append(.child(last))
            }
        }
        let units = detailsUnits(range)
        for i in range {
            let b = blocks[i]
            // "### Answer", "**Explanation:**" under a question (or any section) belong to its back.
            let insideSection = stack.count > 1
            if b.isAnswerHeading, insideSection {
                stack[stack.count - 1].entries.append(.block(b))
                continue
            }
            if units.contains(i), case .details(let summary, let line) = b.kind {
                pop(toBelow: 7)
                var unit = Section(kind: .details, label: summary, isQuestion: true, line: line, ownLines: nil, level: 7)
                unit.foldsChildren = true
                unit.entries = b.children.map { .block($0) }
                stack[stack.count - 1].entries.append(.child(unit))
                continue
            }
            if let level = b.headingLevel {
                // Bold that wraps the whole heading is dropped; bold inside it is the author's.
                let label = Inlines.markdown(b.node, dropStrong: Inlines.isAllStrong(b.node)).trimmed
                if titleMode, i == range.lowerBound {
                    stack[0].label = label
                    continue
                }
                // A heading with no words (`###` alone) opens nothing.
                if !IdentityKey.hasContent(label, atLeast: 1) {
                    stack[stack.count - 1].entries.append(.block(b))
                    continue
                }
                if insideSection, let top = stack.last, top.level < level, Phrases.isAnswerLabel(label) {
                    stack[stack.count - 1].entries.append(.block(b))
                    continue
                }
                pop(toBelow: level)
                stack.append(Section(kind: .heading, label: label, isQuestion: Phrases.isQuestion(label),
                                     line: b.startLine, ownLines: b.startLine...headingEnd(b), ownIndent: b.indent,
                                     level: level, attach: attachKind(label)))
            } else if let (label, isQuestion) = pseudo(i), !(insideSection && Phrases.isAnswerLabel(label)) {
                pop(toBelow: 7)
                stack.append(Section(kind: .pseudo, label: label, isQuestion: isQuestion, line: b.startLine,
                                     ownLines: b.startLine...b.endLine, ownIndent: b.indent, level: 7,
                                     attach: attachKind(label)))
            } else {
                stack[stack.count - 1].entries.append(.block(b))
            }
        }
        pop(toBelow: 1)
        var root = stack[0]
        Self.readSiblingsAlike(&root)
        return root
    }

    /// The `<details>` elements of `range` that are the bank's questions: two or more of them
    /// side by side under one heading that is not itself a question (`###### System Questions`
    /// › `<details><summary>What is load average?</summary>…`). A single `<details>` under a
    /// question is its answer (or part of it).
    private func detailsUnits(_ range: Range<Int>) -> Set<Int> {
        // Runs of `<details>` under headings that do not ask; once one run has two or more, the
        // document's unit is the `<details>` element and a topic holding one question is read alike.
        var runs: [[Int]] = []
        var run: [Int] = []
        var underQuestion = false
        func close() {
            if !run.isEmpty, !underQuestion { runs.append(run) }
            run = []
        }
        for i in range {
            let b = blocks[i]
            if b.isHeading, !b.isAnswerHeading {
                close()
                underQuestion = Phrases.isQuestion(Inlines.plain(b.node))
            } else if b.isDetails {
                run.append(i)
            }
        }
        close()
        guard runs.contains(where: { $0.count >= 2 }) else { return [] }
        return Set(runs.joined())
    }

    /// A bank is a run of sibling headings of one shape: when most of them ask (a question, an
    /// instruction, a sentence), every one of them is a question written as its author wrote it,
    /// so that "Name the largest planet" next to "What caused the fall of Rome?" is not read as a
    /// bare label and given a topic and a `?` (issue 11: read every instance the same way).
    static func readSiblingsAlike(_ section: inout Section) {
        var headings = 0
        var asking = 0
        var pseudos = 0
        var pseudoAsking = 0
        for entry in section.entries {
            guard case .child(let c) = entry, c.attach == nil else { continue }
            if c.kind == .heading {
                headings += 1
                if c.isQuestion { asking += 1 }
            } else if c.kind == .pseudo {
                pseudos += 1
                if c.isQuestion { pseudoAsking += 1 }
            }
        }
        let allAsk = headings >= 3 && asking * 2 > headings
        let allPseudosAsk = pseudos >= 3 && pseudoAsking * 2 > pseudos
        // A long run of sibling questions is a bank: each question's sub-headings are its answer.
        let bank = allAsk && headings >= 5
        for k in section.entries.indices {
            guard case .child(var c) = section.entries[k] else { continue }
            // A heading over a run of questions of its own ("### Coding Exercise" among the
            // questions it follows) is their container, not one more question.
            if c.attach == nil, (allAsk && c.kind == .heading) || (allPseudosAsk && c.kind == .pseudo),
               c.isQuestion || !Self.holdsQuestions(c) {
                c.isQuestion = true
                if bank && c.kind == .heading { c.foldsChildren = true }
            }
            readSiblingsAlike(&c)
            section.entries[k] = .child(c)
        }
        // Multiple choice: most sibling questions end with one `<details>` holding the answer.
        var questions = 0
        var hiding: [Int] = []
        for (k, entry) in section.entries.enumerated() {
            guard case .child(let c) = entry, c.kind == .heading, c.isQuestion, c.attach == nil else { continue }
            questions += 1
            if hiddenAnswer(c) != nil { hiding.append(k) }
        }
        if hiding.count >= 2, hiding.count * 2 > questions {
            for k in hiding {
                guard case .child(var c) = section.entries[k] else { continue }
                c.hidesAnswer = true
                section.entries[k] = .child(c)
            }
        }
    }

    /// Whether a section has three or more sub-headings and most of them ask.
    static func holdsQuestions(_ section: Section) -> Bool {
        var headings = 0
        var asking = 0
        for entry in section.entries {
            guard case .child(let c) = entry, c.kind == .heading, c.attach == nil else { continue }
            headings += 1
            if c.isQuestion { asking += 1 }
        }
        return headings >= 3 && asking * 2 > headings
    }

    /// The index of the entry of `section` that is its only `<details>` element, when that is
    /// its last entry (rules and comments aside).
    static func hiddenAnswer(_ section: Section) -> Int? {
        var found: Int?
        for (k, entry) in section.entries.enumerated() {
            switch entry {
            case .child:
                found = nil
            case .block(let b):
                if b.isDetails {
                    if found != nil { return nil }
                    found = k
                } else if b.kind == .thematicBreak
                            || (b.kind == .html && Inlines.literal(b.node).trimmed.hasPrefix("<!--")) {
                    continue
                } else if found != nil {
                    return nil
                }
            }
        }
        return found
    }

    /// A setext heading's underline is part of it.
    private func headingEnd(_ b: Block) -> Int {
        let first = input.lines.line(b.startLine + 1).utf8.first(where: { $0 != 32 })
        guard first == UInt8(ascii: "=") || first == UInt8(ascii: "-") else { return b.startLine }
        let next = input.lines.line(b.startLine + 1).trimmed
        if !next.isEmpty, next.allSatisfy({ $0 == "=" }) || next.allSatisfy({ $0 == "-" }) { return b.startLine + 1 }
        return b.startLine
    }

    // MARK: - Lists of questions or labels

    private enum ListKind { case questions, labels }

    private func analyzeList(_ list: Block) -> (ListKind, [LabelledItem])? {
        guard list.isList else { return nil }
        var items: [LabelledItem] = []
        var allQuestions = true
        var anyRich = false
        for item in list.children {
            guard let first = item.children.first, first.kind == .paragraph else { return nil }
            let indent = max(Int(cmark_node_get_start_column(first.node)) - 1, 0)
            let rest = item.children.dropFirst().map { Piece.dedented($0.startLine, $0.endLine, indent: indent) }
            if let (label, hasRest) = Inlines.leadingStrong(first.node), !label.isEmpty {
                var pieces: [Piece] = []
                if hasRest, let remainder = remainderAfterLabel(first, indent: indent) {
                    pieces.append(.text(remainder))
                }
                pieces += rest
                guard !pieces.isEmpty else { return nil }
                let isQ = Phrases.isQuestion(label)
                allQuestions = allQuestions && isQ
                anyRich = anyRich || item.children.count > 1
                items.append(LabelledItem(label: label, isQuestion: isQ, line: item.startLine, pieces: pieces,
                                          rich: item.children.count > 1))
            } else {
                let plain = Inlines.plain(first.node).trimmed
                guard plain.hasSuffix("?"), plain.count <= 300, !rest.isEmpty else { return nil }
                items.append(LabelledItem(label: Inlines.markdown(first.node).trimmed, isQuestion: true,
                                          line: item.startLine, pieces: rest, rich: true))
            }
        }
        if items.isEmpty { return nil }
        if allQuestions { return (.questions, items) }
        return anyRich ? (.labels, items) : nil
    }

    /// What follows `**Label:**` in the item's first paragraph, as written.
    private func remainderAfterLabel(_ p: Block, indent: Int) -> String? {
        let firstLine = SourceLines.dedent(input.lines.line(p.startLine), by: indent)
        let delimiter = firstLine.prefix(2)
        guard delimiter == "**" || delimiter == "__",
              let close = firstLine.dropFirst(2).firstRange(of: delimiter) else {
            return nil
        }
        var rest = firstLine[close.upperBound...].drop(while: { $0 == ":" || $0 == " " || $0 == "\t" })
        if rest.hasPrefix("-") || rest.hasPrefix("–") || rest.hasPrefix("—") { rest = rest.dropFirst().drop(while: { $0 == " " }) }
        var text = String(rest)
        if p.endLine > p.startLine {
            text += "\n" + input.lines.slice(p.startLine + 1, p.endLine, dedent: indent)
        }
        let t = text.trimmed
        return t.isEmpty ? nil : t
    }

    // MARK: - Emitting cards

    private mutating func emitDocument(_ root: Section, firstBlock: Block, onlyDocument: Bool) {
        var doc = DocState()
        var leadLine: Int?
        if !root.label.isEmpty {
            doc.topic = Phrases.cleanLabel(root.label)
        }
        if case .block(let b)? = root.entries.first, b.kind == .paragraph, b.startLine == firstBlock.startLine
            || (titleMode && !root.label.isEmpty) {
            let lead = Phrases.lead(Inlines.plain(b.node))
            leadLine = b.startLine
            if doc.topic == nil { doc.topic = lead.topic }
            var overview: (topic: String, verb: Phrases.Verb)?
            if let verb = lead.verb, let topic = lead.topic {
                overview = (topic, verb)
            } else if let title = doc.topic, !isIntro(b),
                      Inlines.plain(b.node).lowercased().hasPrefix(title.lowercased() + " ") {
                // "Kubernetes" › "Kubernetes orchestrates containers…"
                overview = (title, .isSingular)
            } else if !isIntro(b), !lead.opensDocument {
                warnings.append(ImportWarning(path: input.path, line: b.startLine,
                                              message: "skipped introduction \(excerpt(b)) (no question or heading it belongs to)"))
            }
            if let (topic, verb) = overview {
                let answer = Phrases.leadAnswer(input.lines.slice(b.startLine, b.endLine))
                let front = overviewFront(topic: topic, verb: verb)
                cards.append(Card(front: front, longFront: front, line: b.startLine, pieces: [.text(answer)],
                                  substantive: !answer.isEmpty, subjectLabel: topic))
                doc.overview = cards.count - 1
                doc.cards.append(cards.count - 1)
            }
        }
        if doc.topic == nil, onlyDocument {
            // Last resort: the file's name ("kubernetes-notes.md" → "Kubernetes notes").
            let name = SourceReader.deckName(relativePath: SourceReader.lastComponent(input.path))
            let words = name.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " || $0 == "." })
            if !words.isEmpty { doc.topic = Phrases.capitalized(words.joined(separator: " ")) }
        }
        if let topic = doc.topic {
            // "A mutex is …": the overview asks "What is a mutex?", fronts say "Mutex: …".
            let stripped = Phrases.stripGeneric(Phrases.withoutArticle(topic))
            if !stripped.isEmpty {
                doc.topicContext = sentenceCase.apply(stripped, capitalizeFirst: true)
                doc.topicWords = Phrases.contentWords(stripped)
            }
        }
        _ = emit(root, ancestors: [], doc: &doc, skipLine: leadLine)
    }

    private func overviewFront(topic: String, verb: Phrases.Verb) -> String {
        var t = sentenceCase.apply(topic, capitalizeFirst: false)
        let bare = Phrases.withoutArticle(t)
        if bare != t { t = t.prefix(t.count - bare.count).lowercased() + bare }
        switch verb {
        case .isSingular: return "What is \(t)?"
        case .arePlural: return "What are \(t)?"
        case .involves: return "What does \(t) involve?"
        case .involve: return "What do \(t) involve?"
        case .means: return "What does \(t) mean?"
        }
    }

    /// A paragraph that only announces what follows ("Here are some strategies:").
    private func isIntro(_ b: Block) -> Bool {
        b.kind == .paragraph && lastCharacter(b) == UInt8(ascii: ":")
    }

    /// The last character of a block's text, ignoring trailing spaces and emphasis markers.
    private func lastCharacter(_ b: Block) -> UInt8? {
        let line = input.lines.line(b.endLine).utf8
        var i = line.endIndex
        while i > line.startIndex {
            let prev = line.index(before: i)
            let c = line[prev]
            if c == 32 || c == 9 || c == 42 || c == 95 { i = prev; continue }
            return c
        }
        return nil
    }

    private func isIgnorable(_ b: Block) -> Bool {
        switch b.kind {
        case .thematicBreak: return true
        case .html: return input.lines.line(b.startLine).trimmed.hasPrefix("<!--")
        default: return false
        }
    }

    /// Emits the cards of `section` and below; returns the last card that received content.
    private mutating func emit(_ section: Section, ancestors: [Section], doc: inout DocState,
                               skipLine: Int? = nil) -> Int? {
        let isRoot = section.kind == .root
        if !isRoot, let (k, hidden) = markedAnswer(section) {
            // The question with what it shows (code, choices) as the front; the answer its author
            // marked (hidden in `<details>`, or opened by "Answer: 4") as the back.
            let (front, long) = makeFront(section.label, isQuestion: true, ancestors: ancestors, doc: doc)
            let shown = render(pieces(section.entries[..<k]))
            let answer = hidden.map { pieces($0.children.map { Entry.block($0) }[...]) + pieces(section.entries[(k + 1)...]) }
                ?? pieces(section.entries[k...])
            cards.append(Card(front: shown.isEmpty ? front : front + "\n\n" + shown,
                              longFront: shown.isEmpty ? long : long + "\n\n" + shown, line: section.line,
                              pieces: answer, substantive: true, subjectLabel: section.label))
            doc.cards.append(cards.count - 1)
            return cards.count - 1
        }
        var lists: [Int: (ListKind, [LabelledItem])] = [:]
        var hasProse = false
        var hasChildSections = false
        var childrenHaveProse = true
        for entry in section.entries {
            switch entry {
            case .block(let b):
                if b.startLine == skipLine || isIgnorable(b) || (!closing.isEmpty && closing.contains(b.startLine)) {
                    continue
                }
                if b.isList, let analysis = analyzeList(b) {
                    lists[b.startLine] = analysis
                } else if !isIntro(b) {
                    hasProse = true
                }
            case .child(let c):
                guard c.attach == nil else { continue }
                hasChildSections = true
                if childrenHaveProse, c.kind != .heading || !hasOwnProse(c) { childrenHaveProse = false }
            }
        }
        // A container splits into its parts; prose keeps short parts in its own answer, unless
        // every part is a heading with prose of its own.
        let split = !section.foldsChildren && (isRoot || !hasProse || (hasChildSections && childrenHaveProse))

        var own: Int?
        if isRoot {
            own = doc.overview
        } else {
            let (front, long) = makeFront(section.label, isQuestion: section.isQuestion, ancestors: ancestors, doc: doc)
            if let ov = doc.overview, IdentityKey.normalize(cards[ov].front) == IdentityKey.normalize(front) {
                own = ov
            } else {
                cards.append(Card(front: front, longFront: long, line: section.line,
                                  subjectLabel: section.label, isQuestion: section.isQuestion))
                own = cards.count - 1
                doc.cards.append(cards.count - 1)
            }
        }
        var last: Int? = isRoot ? nil : own
        let inner = ancestors + [section]

        for entry in section.entries {
            switch entry {
            case .block(let b):
                if b.startLine == skipLine || isIgnorable(b) { continue }
                if closing.contains(b.startLine) {
                    routeClosing(b, doc: doc)
                    continue
                }
                if let (kind, items) = lists[b.startLine], kind == .questions || split {
                    for item in items {
                        let (front, long) = makeFront(item.label, isQuestion: item.isQuestion, ancestors: inner, doc: doc)
                        cards.append(Card(front: front, longFront: long, line: item.line, pieces: item.pieces,
                                          substantive: true, subjectLabel: item.label))
                        doc.cards.append(cards.count - 1)
                        last = cards.count - 1
                    }
                    continue
                }
                if let target = own {
                    cards[target].pieces.append(piece(b))
                    if !isIntro(b) { cards[target].substantive = true }
                    last = target
                } else if b.startLine != skipLine, !isIntro(b) {
                    warnings.append(ImportWarning(path: input.path, line: b.startLine,
                                                  message: "skipped \(excerpt(b)) (no question or heading it belongs to)"))
                }
            case .child(let c):
                if let kind = c.attach {
                    // Questions under an example or summary heading (a stray "## Key Points" in
                    // the middle of a bank, read as the parent of every question after it) are
                    // cards of their own; the heading's own content joins the card it belongs to,
                    // which is the card before it when questions follow.
                    let questions = c.entries.contains { if case .child(let q) = $0 { q.isQuestion } else { false } }
                    var target = attachTarget(c, kind: kind, isRootChild: isRoot, last: last, doc: doc)
                    if target == nil, questions { target = last }
                    var folded = c
                    if questions { folded.entries.removeAll { if case .child(let q) = $0 { q.isQuestion } else { false } } }
                    if let target {
                        addAll(folded, to: target, doc: doc)
                        cards[target].substantive = true
                        last = target
                    } else {
                        skipped.append(SkippedSection(line: c.line, reason: "no card to join"))
                        warnings.append(ImportWarning(path: input.path, line: c.line,
                                                      message: "skipped \"\(Phrases.cleanLabel(c.label))\" (no card it belongs to)"))
                    }
                    if questions {
                        for entry in c.entries {
                            if case .child(let q) = entry, q.isQuestion, let l = emit(q, ancestors: inner + [c], doc: &doc) {
                                last = l
                            }
                        }
                    }
                } else if !section.foldsChildren && (split || c.isQuestion) {
                    if let l = emit(c, ancestors: inner, doc: &doc) { last = l }
                } else if let target = own {
                    addAll(c, to: target, doc: doc)
                    cards[target].substantive = true
                    last = target
                }
            }
        }
        return last
    }

    private func hasOwnProse(_ c: Section) -> Bool {
        for entry in c.entries {
            if case .block(let b) = entry, b.kind == .paragraph, !isIntro(b) { return true }
        }
        return false
    }

    private func excerpt(_ b: Block) -> String {
        let text: String
        switch b.kind {
        case .paragraph, .heading: text = Inlines.plain(b.node).trimmed
        case .details(let summary, _): text = summary
        default: text = Navigation.visibleText(ofHTML: input.lines.slice(b.startLine, b.endLine))
        }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
        return "\"" + words.prefix(6).joined(separator: " ") + (words.count > 6 ? "…" : "") + "\""
    }

    /// A block's lines for a card: as written, or moved left out of the list item it came from.
    private func piece(_ b: Block) -> Piece {
        b.indent > 0 ? .dedented(b.startLine, b.endLine, indent: b.indent) : .lines(b.startLine, b.endLine)
    }

    /// Where the answer of a question begins when its author marked it, after something the
    /// question shows (code, choices): a `<details>` that multiple-choice banks hide it in
    /// (`hidden`), or a heading or bold line "Answer…" ("##### Answer: 4"). Nil when the answer
    /// follows the question directly, or is not marked.
    private func markedAnswer(_ section: Section) -> (index: Int, hidden: Block?)? {
        if section.hidesAnswer, let k = Self.hiddenAnswer(section), case .block(let details) = section.entries[k] {
            return (k, details)
        }
        guard section.isQuestion, section.kind == .heading || section.kind == .pseudo else { return nil }
        var shown = false
        for (k, entry) in section.entries.enumerated() {
            guard case .block(let b) = entry else { return nil }
            if isIgnorable(b) { continue }
            if b.isHeading || b.kind == .paragraph {
                let label = Phrases.cleanLabel(Inlines.plain(b.node)).lowercased()
                if label.hasPrefix("answer"), Phrases.isAnswerLabel(label) { return shown ? (k, nil) : nil }
            }
            shown = true
        }
        return nil
    }

    /// The lines of a section's heading or label, for the card it folds into.
    private func ownPiece(_ s: Section) -> Piece? {
        guard let lines = s.ownLines else { return nil }
        return s.ownIndent > 0 ? .dedented(lines.lowerBound, lines.upperBound, indent: s.ownIndent)
            : .lines(lines.lowerBound, lines.upperBound)
    }

    /// The pieces of `entries` and everything below them, in order.
    private func pieces(_ entries: ArraySlice<Entry>) -> [Piece] {
        var out: [Piece] = []
        for entry in entries {
            switch entry {
            case .block(let b):
                if !isIgnorable(b) { out.append(piece(b)) }
            case .child(let s):
                if let piece = ownPiece(s) { out.append(piece) }
                out += pieces(s.entries[...])
            }
        }
        return out
    }

    private mutating func routeClosing(_ b: Block, doc: DocState) {
        if let ov = doc.overview {
            cards[ov].pieces.append(piece(b))
        } else {
            warnings.append(ImportWarning(path: input.path, line: b.startLine,
                                          message: "skipped closing paragraph \(excerpt(b)) (no overview card to attach it to)"))
        }
    }

    /// The heading or label of `c` and everything below it, into card `target`.
    private mutating func addAll(_ c: Section, to target: Int, doc: DocState) {
        if let piece = ownPiece(c) { cards[target].pieces.append(piece) }
        for entry in c.entries {
            switch entry {
            case .block(let b):
                if isIgnorable(b) { continue }
                if closing.contains(b.startLine) {
                    routeClosing(b, doc: doc)
                } else {
                    cards[target].pieces.append(piece(b))
                }
            case .child(let s):
                addAll(s, to: target, doc: doc)
            }
        }
    }

    // MARK: - Examples and summaries

    private func attachKind(_ label: String) -> AttachKind? {
        guard DocumentRun.mayAttach(label) else { return nil }
        let lower = Phrases.cleanLabel(label).asciiLowercased
        let clean = Phrases.cleanLabel(label)
        let stems = Phrases.tokens(clean).filter { !$0.isCode }.map { Phrases.stem($0.text) }
        let summaryStarts = ["summary", "conclusion", "recap", "takeaway", "tl;dr", "tldr", "wrap-up"]
        if let first = stems.first, summaryStarts.contains(first) { return .summary }
        for prefix in ["in summary", "in conclusion", "final thought", "key takeaway", "wrapping up", "to summarize",
                       "summing up"] where lower.hasPrefix(prefix) {
            return .summary
        }
        if lower == "key points" || lower == "key point" { return .summary }
        // Only a label that names an example ("Example", "Examples:", "Example of packing",
        // "Generators example", "For example…") joins another card: a question or an
        // instruction that mentions an example ("Give one real-world example of X.") is a
        // question of its own.
        let exampleStems = DocumentRun.exampleStems
        let asks = Phrases.isQuestion(clean) || clean.hasSuffix(".")
        if lower.hasPrefix("for example") || lower.hasPrefix("e.g.")
            || (!asks && (stems.first.map(exampleStems.contains) == true || stems.last.map(exampleStems.contains) == true)) {
            let refersBack = lower.containsBytes("the example") || lower.containsBytes("this example")
                || lower.containsBytes("above")
            return .example(refersBack: refersBack)
        }
        return nil
    }

    /// Cheap first test for `attachKind`: one of these must occur in the lowercased label.
    private static let attachNeedles: [[UInt8]] = [
        "summar", "conclu", "recap", "takeaway", "tl;dr", "tldr", "wrap", "example", "sample", "demo",
        "key point", "final thought", "e.g.",
    ].map { Array($0.utf8) }

    /// Indices into `attachNeedles` by their first byte.
    private static let needlesByFirstByte: [[Int]] = {
        var table = Array(repeating: [Int](), count: 128)
        for (n, needle) in attachNeedles.enumerated() { table[Int(needle[0])].append(n) }
        return table
    }()

    /// Whether one of `attachNeedles` occurs in `label`, ignoring ASCII case, in one pass
    /// and without allocating.
    private static func mayAttach(_ label: String) -> Bool {
        func scan(_ h: UnsafeBufferPointer<UInt8>) -> Bool {
            @inline(__always) func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
            var i = 0
            while i < h.count {
                let c = lower(h[i])
                if c < 128 {
                    for n in needlesByFirstByte[Int(c)] {
                        let needle = attachNeedles[n]
                        guard i + needle.count <= h.count else { continue }
                        var k = 1
                        while k < needle.count, lower(h[i + k]) == needle[k] { k += 1 }
                        if k == needle.count { return true }
                    }
                }
                i += 1
            }
            return false
        }
        var copy = label
        return copy.withUTF8(scan)
    }

    private static let exampleStems: Set<String> = ["example", "sample", "demo", "demonstration"]

    private static let exampleWords: Set<String> = [
        "example", "code", "sample", "demo", "demonstration", "snippet", "illustration", "key", "point", "full",
        "complete", "simple", "basic", "more", "another", "usage",
    ]

    private func attachTarget(_ c: Section, kind: AttachKind, isRootChild: Bool, last: Int?, doc: DocState) -> Int? {
        guard isRootChild else { return last }
        switch kind {
        case .summary:
            return doc.overview
        case .example(let refersBack):
            if refersBack { return last ?? doc.overview }
            let keys = Phrases.contentWords(Phrases.cleanLabel(c.label)).subtracting(DocumentRun.exampleWords)
            if !keys.isEmpty {
                var best: (index: Int, size: Int)?
                // The most recent cards of the document are the candidates.
                for i in doc.cards.suffix(500) where cards[i].substantive && !cards[i].dropped {
                    let subject = Phrases.contentWords(Phrases.cleanLabel(cards[i].subjectLabel))
                    guard !subject.isEmpty, subject.isSubset(of: keys) else { continue }
                    if let b = best, b.size > subject.count { continue }
                    best = (i, subject.count)
                }
                if let best { return best.index }
            }
            return doc.overview ?? last
        }
    }

    // MARK: - Fronts

    /// The front for a section or item, and a fuller one for when fronts clash.
    private func makeFront(_ label: String, isQuestion: Bool, ancestors: [Section], doc: DocState) -> (String, String) {
        if isQuestion {
            let q = questionText(label)
            let long = doc.topicContext.map { "\($0): \(q)" } ?? q
            return (q, long)
        }
        var subject = sentenceCase.apply(Phrases.cleanLabel(label), capitalizeFirst: false)
        var words = Phrases.contentWords(Phrases.cleanLabel(label))
        var path = Array(ancestors.dropFirst())
        // "When to Use What" › "List" → "when to use a list".
        if let parent = path.last, !parent.isQuestion {
            let parentLabel = Phrases.cleanLabel(parent.label)
            let toks = Phrases.tokens(parentLabel)
            if let lastTok = toks.last, ["what", "which"].contains(lastTok.text.lowercased()), toks.count >= 2 {
                let stem = String(parentLabel[..<lastTok.text.startIndex]).trimmed
                let article = subject.first.map { "aeiouAEIOU".contains($0) } == true ? "an" : "a"
                subject = sentenceCase.apply(stem, capitalizeFirst: false) + " " + article + " " + subject
                words.formUnion(Phrases.contentWords(stem))
                path.removeLast()
            }
        }
        var context: String?
        var contextPath: [String] = []
        for ancestor in path.reversed() where !ancestor.isQuestion {
            let stripped = Phrases.stripGeneric(Phrases.cleanLabel(ancestor.label))
            if stripped.isEmpty { continue }
            contextPath.insert(sentenceCase.apply(stripped, capitalizeFirst: true), at: 0)
            if context == nil, Phrases.contentWords(stripped).isDisjoint(with: words) {
                context = sentenceCase.apply(stripped, capitalizeFirst: true)
            }
        }
        if context == nil, let topic = doc.topicContext, !words.isSuperset(of: doc.topicWords) {
            context = topic
        }
        let ask = subject.hasSuffix("?") ? "" : "?"
        let front = context.map { "\($0): \(subject)\(ask)" } ?? Phrases.capitalized(subject) + ask
        var longParts = contextPath
        if let topic = doc.topicContext, longParts.first != topic { longParts.insert(topic, at: 0) }
        let long = longParts.isEmpty ? front : longParts.joined(separator: " — ") + ": \(subject)\(ask)"
        return (front, long)
    }

    /// The question as written, without numbering.
    private func questionText(_ label: String) -> String {
        let bytes = label.utf8
        if let first = bytes.first, first > 64, first < 91, bytes.last.map({ $0 != 32 }) == true,
           !bytes.dropFirst().prefix(1).contains(where: { $0 >= 48 && $0 <= 57 }),
           !label.hasPrefix("Step "), !label.hasPrefix("Question ") {
            return label  // Already clean: starts with a capital, no numbering, no trailing space.
        }
        // The author's case is kept ("console.log(employeeId);" stays as written).
        return String(Phrases.withoutNumbering(label.trimmed)).trimmed
    }

    // MARK: - Answers

    /// The answer as Markdown: pieces that were adjacent in the source (with only blank
    /// lines between them) are one stretch of the original text.
    private func render(_ pieces: [Piece]) -> String {
        var merged: [Piece] = []
        for piece in pieces {
            if case .lines(let a, let b) = piece, case .lines(let pa, let pb)? = merged.last, a > pb,
               (pb + 1..<a).allSatisfy({ SourceLines.isBlank(input.lines.line($0)) }) {
                merged[merged.count - 1] = .lines(pa, b)
                continue
            }
            if case .dedented(let a, let b, let indent) = piece, case .dedented(let pa, let pb, indent)? = merged.last,
               a > pb, (pb + 1..<a).allSatisfy({ SourceLines.isBlank(input.lines.line($0)) }) {
                merged[merged.count - 1] = .dedented(pa, b, indent: indent)
                continue
            }
            merged.append(piece)
        }
        if merged.count == 1, case .lines(let a, let b)? = merged.first {
            return input.lines.slice(a, b, trimmingBlankLines: true)
        }
        var parts: [String] = []
        for piece in merged {
            let text: String
            switch piece {
            case .lines(let a, let b): text = input.lines.slice(a, b, trimmingBlankLines: true)
            case .dedented(let a, let b, let indent): text = DocumentRun.trimBlankLines(input.lines.slice(a, b, dedent: indent))
            case .text(let t): text = DocumentRun.trimBlankLines(t)
            }
            if !text.isEmpty { parts.append(text) }
        }
        return parts.joined(separator: "\n\n")
    }

    /// Without leading and trailing blank lines (indentation of the first line kept).
    static func trimBlankLines(_ text: String) -> String {
        let u = text.utf8
        var start = u.startIndex
        var lineStart = start
        var i = start
        // Skip leading lines that hold only spaces.
        while i < u.endIndex {
            let c = u[i]
            if c == 10 {
                lineStart = u.index(after: i)
                start = lineStart
            } else if c != 32 && c != 9 {
                break
            }
            i = u.index(after: i)
        }
        if i == u.endIndex { return "" }
        start = lineStart
        var end = u.endIndex
        while end > start {
            let prev = u.index(before: end)
            let c = u[prev]
            if c == 10 || c == 32 || c == 9 { end = prev } else { break }
        }
        return String(text[start..<end])
    }

    // MARK: - Evidence for sentence case

    /// How words are written in the file's prose (code blocks, headings and bold text
    /// excluded). Only the first 2 MB are read, which keeps the cost bounded for huge
    /// files; a word without evidence simply keeps its capital.
    static func evidence(_ lines: SourceLines, _ blocks: [Block]) -> SentenceCase.Evidence {
        var codeLines = Set<Int>()
        func collect(_ bs: [Block]) {
            for b in bs {
                if b.isCode { for n in b.startLine...b.endLine { codeLines.insert(n) } }
                collect(b.children)
            }
        }
        collect(blocks)
        var evidence = SentenceCase.Evidence()
        var budget = 2 << 20
        var n = 0
        while n < lines.count, budget > 0 {
            n += 1
            if codeLines.contains(n) { continue }
            let line = lines.line(n)
            budget -= line.utf8.count
            if line.utf8.first(where: { $0 != 32 }) == 35 { continue }
            var sentenceStart = true
            var bold = false
            var previous: UInt8 = 0
            var hash = SentenceCase.Evidence.seed
            var length = 0
            var allLower = true
            var firstUpper = false
            var restLower = true
            for c in line.utf8 {
                let upper = c >= 65 && c <= 90
                if upper || (c >= 97 && c <= 122) {
                    if length == 0 { firstUpper = upper } else if upper { restLower = false }
                    if upper { allLower = false }
                    hash = SentenceCase.Evidence.mix(hash, upper ? c + 32 : c)
                    length += 1
                    previous = c
                    continue
                }
                if length >= 2 {
                    if allLower {
                        evidence.lowercase.insert(hash)
                    } else if !bold, firstUpper, restLower {
                        evidence.capitalizedInProse.insert(hash)
                        if !sentenceStart { evidence.capitalizedMidSentence.insert(hash) }
                    }
                }
                if length > 0 { sentenceStart = false }
                hash = SentenceCase.Evidence.seed
                length = 0
                allLower = true
                restLower = true
                if c == 42 || c == 95 {
                    if previous == c { bold.toggle() }
                } else if c == 46 || c == 33 || c == 63 || c == 58 || c == 62 || (c == 45 && sentenceStart) {
                    sentenceStart = true
                }
                previous = c
            }
            if length >= 2 {
                if allLower {
                    evidence.lowercase.insert(hash)
                } else if !bold, firstUpper, restLower {
                    evidence.capitalizedInProse.insert(hash)
                    if !sentenceStart { evidence.capitalizedMidSentence.insert(hash) }
                }
            }
        }
        return evidence
    }
}
