import CCmark

/// The one owner of a cmark document: parses on `init`, frees in `deinit`. Nothing else
/// in RecallImport creates or frees cmark nodes.
final class CmarkDocument {
    let root: OpaquePointer

    init?(_ text: String) {
        func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> OpaquePointer? {
            guard let base = buffer.baseAddress else { return cmark_parse_document("", 0, CMARK_OPT_DEFAULT) }
            return base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                cmark_parse_document($0, buffer.count, CMARK_OPT_DEFAULT)
            }
        }
        // The string's own UTF-8 storage when it has one (no copy of a 25 MB file).
        let node = text.utf8.withContiguousStorageIfAvailable(parse) ?? Array(text.utf8).withUnsafeBufferPointer(parse)
        guard let node else { return nil }
        root = node
    }

    deinit { cmark_node_free(root) }

    /// The document's blocks as Swift values. Inline content stays in cmark and is read
    /// through `Block.node` while this document is alive.
    func blocks() -> [Block] {
        Block.children(of: root)
    }
}

/// A block of the cmark tree with its 1-based source lines.
struct Block {
    enum Kind: Equatable {
        case paragraph
        case heading(level: Int)
        case list(ordered: Bool, start: Int)
        case item
        case code(info: String)
        case blockQuote
        case html
        case thematicBreak
        /// A `<details>` element read as one block: its `<summary>` text (Markdown), with the
        /// Markdown blocks between the opening HTML block and `</details>` as children; `line` is
        /// where the summary ends.
        case details(summary: String, line: Int)
        /// Lines of an HTML block that are content, not markup (what follows `<summary>…</summary>`
        /// in the opening block of a `<details>` element).
        case htmlText
        case other
    }

    var kind: Kind
    var startLine: Int
    /// The last line with content (cmark reports some blocks as ending on the blank line after).
    var endLine: Int
    var children: [Block]
    /// The cmark node, for reading inline content; valid while its `CmarkDocument` lives.
    var node: OpaquePointer
    /// Columns of indentation its lines carry from a list item it was lifted out of (a question
    /// heading's item, see `BlockShapes`): removed when its lines go into a card.
    var indent = 0
    /// A heading inside a question's list item after the question itself (`### State` in an
    /// answer): part of that answer, never a section of its own.
    var isAnswerHeading = false

    var isHeading: Bool { if case .heading = kind { true } else { false } }
    var headingLevel: Int? { if case .heading(let l) = kind { l } else { nil } }
    var isList: Bool { if case .list = kind { true } else { false } }
    var isCode: Bool { if case .code = kind { true } else { false } }
    var isDetails: Bool { if case .details = kind { true } else { false } }
    /// The first column of the block's first line, 1-based.
    var startColumn: Int { Int(cmark_node_get_start_column(node)) }

    static func children(of parent: OpaquePointer) -> [Block] {
        var result: [Block] = []
        var child = cmark_node_first_child(parent)
        while let node = child {
            result.append(Block(node: node))
            child = cmark_node_next(node)
        }
        return result
    }

    init(kind: Kind, startLine: Int, endLine: Int, children: [Block], node: OpaquePointer, indent: Int) {
        self.kind = kind
        self.startLine = startLine
        self.endLine = endLine
        self.children = children
        self.node = node
        self.indent = indent
    }

    init(node: OpaquePointer) {
        self.node = node
        let type = cmark_node_get_type(node)
        var descend = false
        switch type {
        case CMARK_NODE_PARAGRAPH: kind = .paragraph
        case CMARK_NODE_HEADING: kind = .heading(level: Int(cmark_node_get_heading_level(node)))
        case CMARK_NODE_LIST:
            kind = .list(ordered: cmark_node_get_list_type(node) == CMARK_ORDERED_LIST,
                         start: Int(cmark_node_get_list_start(node)))
            descend = true
        case CMARK_NODE_ITEM: kind = .item; descend = true
        case CMARK_NODE_CODE_BLOCK:
            kind = .code(info: cmark_node_get_fence_info(node).map { String(cString: $0) } ?? "")
        case CMARK_NODE_BLOCK_QUOTE: kind = .blockQuote; descend = true
        case CMARK_NODE_HTML_BLOCK: kind = .html
        case CMARK_NODE_THEMATIC_BREAK: kind = .thematicBreak
        default: kind = .other
        }
        startLine = Int(cmark_node_get_start_line(node))
        var end = Int(cmark_node_get_end_line(node))
        if cmark_node_get_end_column(node) == 0, end > startLine { end -= 1 }
        endLine = max(end, startLine)
        children = descend ? Block.children(of: node) : []
        if case .heading = kind { endLine = startLine }
    }

    /// The literal content of a code block (already without fence and indentation).
    var literal: String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }
}

/// Inline content rendered back to Markdown, or to plain text for analysis.
enum Inlines {
    /// Markdown for a paragraph's or heading's inline children. `dropStrong` removes `**`
    /// (fronts show questions without their bold markers); soft breaks become spaces.
    static func markdown(_ parent: OpaquePointer, dropStrong: Bool = false) -> String {
        var out = ""
        render(parent, into: &out, dropStrong: dropStrong, plain: false, escaping: false)
        // Text the author escaped (`\*args`) would read back as other emphasis: then, and only
        // then, it is written with its escapes, so that a front reads as written. (Written with
        // every escape, text and markers are told apart, so two readings compare exactly.)
        guard out.contains(where: { $0 == "*" || $0 == "_" || $0 == "`" || $0 == "\\" }) else { return out }
        var escapedOut = ""
        render(parent, into: &escapedOut, dropStrong: dropStrong, plain: false, escaping: true)
        return readsBackAs(out) == escapedOut ? out : escapedOut
    }

    /// Inline `markdown` as cmark reads it, written back with every escape (nil when it does not
    /// read as one paragraph). A leading letter keeps text such as `3. What…` from reading as a list.
    private static func readsBackAs(_ markdown: String) -> String? {
        guard let document = CmarkDocument("x " + markdown) else { return nil }
        let blocks = document.blocks()
        guard blocks.count == 1, let block = blocks.first, block.kind == .paragraph else { return nil }
        var text = ""
        render(block.node, into: &text, dropStrong: false, plain: false, escaping: true)
        return text.hasPrefix("x ") ? String(text.dropFirst(2)) : nil
    }

    /// The text a reader sees: no markers, code spans as their content.
    static func plain(_ parent: OpaquePointer) -> String {
        var out = ""
        render(parent, into: &out, dropStrong: true, plain: true)
        return out
    }

    static func render(_ parent: OpaquePointer, into out: inout String, dropStrong: Bool, plain: Bool, escaping: Bool = false) {
        var child = cmark_node_first_child(parent)
        while let node = child {
            renderNode(node, into: &out, dropStrong: dropStrong, plain: plain, escaping: escaping)
            child = cmark_node_next(node)
        }
    }

    static func literal(_ node: OpaquePointer) -> String {
        cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
    }

    private static func renderNode(_ node: OpaquePointer, into out: inout String, dropStrong: Bool, plain: Bool,
                                   escaping: Bool) {
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            out += escaping ? escaped(literal(node)) : literal(node)
        case CMARK_NODE_CODE:
            let code = literal(node)
            if plain { out += code; return }
            var longest = 0
            var run = 0
            for c in code.utf8 {
                if c == UInt8(ascii: "`") { run += 1; longest = max(longest, run) } else { run = 0 }
            }
            let fence = String(repeating: "`", count: longest + 1)
            let pad = code.hasPrefix("`") || code.hasSuffix("`") ? " " : ""
            out += fence + pad + code + pad + fence
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            out += " "
        case CMARK_NODE_EMPH:
            if !plain { out += "*" }
            render(node, into: &out, dropStrong: dropStrong, plain: plain, escaping: escaping)
            if !plain { out += "*" }
        case CMARK_NODE_STRONG:
            let marker = plain || dropStrong ? "" : "**"
            out += marker
            render(node, into: &out, dropStrong: dropStrong, plain: plain, escaping: escaping)
            out += marker
        case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
            if plain { render(node, into: &out, dropStrong: dropStrong, plain: plain, escaping: escaping); return }
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            let bang = cmark_node_get_type(node) == CMARK_NODE_IMAGE ? "!" : ""
            out += bang + "["
            render(node, into: &out, dropStrong: dropStrong, plain: plain, escaping: escaping)
            out += "](" + url + ")"
        case CMARK_NODE_HTML_INLINE:
            if !plain { out += literal(node) }
        default:
            render(node, into: &out, dropStrong: dropStrong, plain: plain, escaping: escaping)
        }
    }

    /// Text as Markdown that reads back as the same text: the characters that would otherwise
    /// start emphasis or code, or escape the next one, get a backslash, as the author had to
    /// write them (`\*args` stays `\*args`, not `*args`). A `*` between spaces and a `_` inside a
    /// word mean nothing to Markdown and stay as they are (`2 * 3`, `snake_case`).
    static func escaped(_ text: String) -> String {
        let special: Set<Character> = ["*", "_", "`", "\\"]
        guard text.contains(where: { special.contains($0) }) else { return text }
        let characters = Array(text)
        var out = ""
        out.reserveCapacity(text.utf8.count + 4)
        for (index, c) in characters.enumerated() {
            let before = index > 0 ? characters[index - 1] : " "
            let after = index + 1 < characters.count ? characters[index + 1] : " "
            switch c {
            case "`":
                out += "\\`"
            case "\\":
                out += after.isPunctuation || after.isSymbol ? "\\\\" : "\\"
            case "*":
                out += before.isWhitespace && after.isWhitespace ? "*" : "\\*"
            case "_":
                out += (before.isLetter || before.isNumber) && (after.isLetter || after.isNumber) ? "_" : "\\_"
            default:
                out.append(c)
            }
        }
        return out
    }

    /// Whether every visible child of a heading or paragraph is strong text (`## **Q?**`).
    static func isAllStrong(_ parent: OpaquePointer) -> Bool {
        var child = cmark_node_first_child(parent)
        var sawStrong = false
        while let node = child {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_STRONG: sawStrong = true
            case CMARK_NODE_TEXT: if !literal(node).allSatisfy({ $0.isWhitespace }) { return false }
            default: return false
            }
            child = cmark_node_next(node)
        }
        return sawStrong
    }

    /// If the paragraph starts with strong text, that text (Markdown, without the `**`) and
    /// whether anything but punctuation follows it in the paragraph.
    static func leadingStrong(_ paragraph: OpaquePointer) -> (label: String, hasRest: Bool)? {
        guard let first = cmark_node_first_child(paragraph), cmark_node_get_type(first) == CMARK_NODE_STRONG else {
            return nil
        }
        var label = ""
        render(first, into: &label, dropStrong: true, plain: false)
        var rest = ""
        var next = cmark_node_next(first)
        while let node = next {
            renderNode(node, into: &rest, dropStrong: true, plain: true, escaping: false)
            next = cmark_node_next(node)
        }
        let meaningful = rest.contains { !$0.isWhitespace && !$0.isPunctuation }
        if !meaningful, rest.containsBytes(":") || rest.containsBytes("?") {
            label += rest.trimmed
        }
        return (label.trimmed, meaningful)
    }
}
