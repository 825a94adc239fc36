import CCmark

/// The wrappers real banks put around their questions, made plain before the document reader
/// looks for the repeating unit (issue 11). cmark still reads every block; this only regroups
/// the top-level blocks it gives:
///
/// - **Questions in list items** (`1. ### What is React?` followed by the answer, indented):
///   a list with items that open with a heading is the bank's run of questions, not a list,
///   so each item's blocks are lifted to the top level, in order. The item's first heading is
///   the question; headings after it in the same item (`### State`, `#### **createElement:**`)
///   are its answer's sub-headings, and so are blocks indented under the last item by fewer
///   columns than the item asks for (a stray `  ## Key Points` after an answer), which would
///   otherwise open a section that swallows the rest of the file.
/// - **`<details>` elements**: cmark gives an HTML block for `<details><summary>…</summary>`,
///   then the Markdown blocks of the hidden content, then an HTML block with `</details>`.
///   They are read as one block whose summary is the visible text and whose children are the
///   hidden content.
enum BlockShapes {
    static func normalize(_ blocks: [Block], _ lines: SourceLines) -> [Block] {
        groupDetails(liftQuestionItems(blocks), lines)
    }

    // MARK: - Questions in list items

    static func liftQuestionItems(_ blocks: [Block]) -> [Block] {
        guard blocks.contains(where: { $0.isList && opensItemsWithHeadings($0) }) else { return blocks }
        var out: [Block] = []
        out.reserveCapacity(blocks.count)
        // After a lifted list: the indentation of its last item's content, which blocks indented
        // by fewer columns (but indented) still belong to.
        var continuing: Int?
        for block in blocks {
            if block.isList, opensItemsWithHeadings(block) {
                for item in block.children {
                    guard let first = item.children.first else { continue }
                    let indent = max(first.startColumn - 1, 0)
                    // An item that does not open with a heading ("1. Mutating methods" numbered on
                    // by the same list) continues the answer before it.
                    let opensQuestion = first.isHeading
                    for (k, var child) in item.children.enumerated() {
                        child.indent = indent
                        if k > 0 || !opensQuestion, child.isHeading { child.isAnswerHeading = true }
                        out.append(child)
                    }
                    continuing = indent
                }
                continue
            }
            if let indent = continuing, block.startColumn > 1 {
                var child = block
                // Never more than the block's own indentation: a code fence at three spaces keeps
                // the relative indentation of its lines.
                child.indent = min(indent, block.startColumn - 1)
                if child.isHeading { child.isAnswerHeading = true }
                out.append(child)
                continue
            }
            continuing = nil
            out.append(block)
        }
        return out
    }

    /// A list with an item that starts with a heading: a run of questions, even when an answer
    /// numbers a list of its own at the margin ("1. **map:**"), which Markdown makes items of the
    /// same list as the questions after it.
    static func opensItemsWithHeadings(_ list: Block) -> Bool {
        list.children.contains { $0.children.first?.isHeading == true }
    }

    // MARK: - <details> elements

    static func groupDetails(_ blocks: [Block], _ lines: SourceLines) -> [Block] {
        guard blocks.contains(where: { $0.kind == .html }) else { return blocks }
        var out: [Block] = []
        out.reserveCapacity(blocks.count)
        var i = 0
        while i < blocks.count {
            let open = blocks[i]
            if open.kind == .html, let grouped = group(at: i, blocks, lines) {
                out.append(grouped.block)
                i = grouped.next
                continue
            }
            out.append(open)
            i += 1
        }
        return out
    }

    /// The `<details>` element opening at `blocks[i]`, and the index after its last block.
    private static func group(at i: Int, _ blocks: [Block], _ lines: SourceLines) -> (block: Block, next: Int)? {
        let open = blocks[i]
        let html = Inlines.literal(open.node)
        guard html.utf8.first(where: { $0 != 32 && $0 != 9 }) == UInt8(ascii: "<"),
              html.trimmed.lowercased().hasPrefix("<details"),
              let summary = summary(in: open, lines) else { return nil }
        var depth = tagCount("<details", in: html) - tagCount("</details", in: html)
        var children: [Block] = []
        var end = i
        if depth > 0 {
            var j = i + 1
            // `</details>` right after text is inline HTML in that paragraph, so paragraphs are
            // read too (code is not). A `<details>` never closed is left as it is.
            while j < blocks.count, j - i <= 5_000, depth > 0 {
                if let text = markup(of: blocks[j], lines) {
                    depth += tagCount("<details", in: text) - tagCount("</details", in: text)
                }
                j += 1
            }
            guard depth <= 0 else { return nil }
            end = j - 1
            children = groupDetails(Array(blocks[(i + 1)..<end]), lines).filter { child in
                // `<b>`, `<p>` on lines of their own are markup.
                child.kind != .html || !Navigation.visibleText(ofHTML: Inlines.literal(child.node)).isEmpty
            }
            // Text before `</details>` in the closing block (`</p>`, `</b>` are markup).
            var closing = blocks[end]
            if let close = (closing.startLine...closing.endLine).first(where: {
                lines.line($0).lowercased().containsBytes("</details")
            }) {
                closing.endLine = close
            }
            if closing.kind == .html {
                if let tail = textLines(of: closing, from: closing.startLine, lines) { children.append(tail) }
            } else if let last = (closing.startLine...closing.endLine).last(where: {
                !Navigation.visibleText(ofHTML: String(lines.line($0))).isEmpty
            }) {
                closing.endLine = last
                children.append(closing)
            }
        } else {
            // The whole element in one HTML block: its content lines are between the summary's
            // line and the line of `</details>`.
            guard let close = (summary.line + 1...max(open.endLine, summary.line + 1)).first(where: {
                lines.line($0).lowercased().containsBytes("</details")
            }), let tag = lines.line(close).lowercased().firstRange(of: "</details"),
                  Navigation.visibleText(ofHTML: String(lines.line(close).lowercased()[..<tag.lowerBound])).isEmpty
            else { return nil }
            var trimmed = open
            trimmed.endLine = close - 1
            if let content = textLines(of: trimmed, from: summary.line + 1, lines) { children.append(content) }
            let block = Block(kind: .details(summary: summary.text, line: summary.line), startLine: open.startLine,
                              endLine: open.endLine, children: children, node: open.node, indent: open.indent)
            return (block, i + 1)
        }
        if let head = textLines(of: open, from: summary.line + 1, lines) { children.insert(head, at: 0) }
        let block = Block(kind: .details(summary: summary.text, line: summary.line), startLine: open.startLine,
                          endLine: blocks[end].endLine, children: children, node: open.node, indent: open.indent)
        return (block, end + 1)
    }

    /// The text of a block that may hold `<details>` tags: an HTML block's, or the source lines
    /// of a paragraph, list or quote (inline HTML); nil for code and everything else.
    private static func markup(of block: Block, _ lines: SourceLines) -> String? {
        switch block.kind {
        case .html: return Inlines.literal(block.node)
        case .paragraph, .list, .blockQuote:
            // A list item's last line can be `</b></details>` indented into the item.
            let text = lines.slice(block.startLine, block.endLine)
            return text.containsBytes("</details") || text.containsBytes("<details") ? text : nil
        default: return nil
        }
    }

    /// The text of `<summary>…</summary>` in an opening block as Markdown (`<code>` as
    /// backticks, entities decoded, a `<b>`/`<strong>` around the whole of it dropped), and the
    /// line where the summary ends. Nil when the block has no summary, or has content after it
    /// on that line (which lines cannot carry apart from the markup).
    private static func summary(in open: Block, _ lines: SourceLines) -> (text: String, line: Int)? {
        var text = ""
        var line = open.startLine
        var inside = false
        while line <= open.endLine {
            let current = String(lines.line(line))
            let lower = current.lowercased()
            var rest = current[...]
            if !inside {
                if let start = lower.firstRange(of: "<summary") {
                    let offset = lower.distance(from: lower.startIndex, to: start.upperBound)
                    let afterTag = current.dropFirst(offset)
                    guard let close = afterTag.firstIndex(of: ">") else { return nil }
                    rest = afterTag[afterTag.index(after: close)...]
                    inside = true
                } else {
                    line += 1
                    continue
                }
            }
            if let end = rest.lowercased().firstRange(of: "</summary>") {
                let offset = rest.lowercased().distance(from: rest.lowercased().startIndex, to: end.lowerBound)
                text += rest.prefix(offset)
                let after = rest.dropFirst(offset + "</summary>".count)
                guard Navigation.visibleText(ofHTML: String(after)).isEmpty else { return nil }
                let label = summaryMarkdown(text)
                return label.isEmpty ? nil : (label, line)
            }
            text += rest + " "
            line += 1
        }
        return nil
    }

    static func summaryMarkdown(_ html: String) -> String {
        var inner = html.trimmed
        let lower = inner.lowercased()
        for (open, close) in [("<b>", "</b>"), ("<strong>", "</strong>")]
        where lower.hasPrefix(open) && lower.hasSuffix(close) && tagCount(open, in: lower) == 1 {
            inner = String(inner.dropFirst(open.count).dropLast(close.count))
        }
        let markdown = HTMLText.markdown(inner)
        return markdown.split(whereSeparator: { $0 == "\n" || $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// Lines `from…` of an HTML block that hold more than markup (`<p>`, `<br>`, `</details>`),
    /// as a block of their own; nil when there are none.
    private static func textLines(of block: Block, from first: Int, _ lines: SourceLines) -> Block? {
        func isText(_ n: Int) -> Bool {
            let line = lines.line(n)
            return !SourceLines.isBlank(line) && !Navigation.visibleText(ofHTML: String(line)).isEmpty
        }
        guard first <= block.endLine,
              let a = (first...block.endLine).first(where: isText),
              let b = (first...block.endLine).last(where: isText) else { return nil }
        return Block(kind: .htmlText, startLine: a, endLine: b, children: [], node: block.node, indent: block.indent)
    }

    /// How many times `tag` occurs in `text`, ignoring case; an open tag name (`<details`)
    /// counts only when no letter follows it (not `<detailsfoo`).
    static func tagCount(_ tag: String, in text: String) -> Int {
        let lower = text.lowercased()
        var count = 0
        var rest = lower[...]
        while let r = rest.firstRange(of: tag) {
            let next = rest[r.upperBound...].first
            if tag.hasSuffix(">") || !(next?.isLetter ?? false) { count += 1 }
            rest = rest[r.upperBound...]
        }
        return count
    }
}
