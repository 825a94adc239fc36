import CCmark
import CLibXML2
import Foundation

/// Field and card HTML as recall's Markdown card text. The HTML is parsed by libxml2's HTML
/// parser (forgiving, as browsers are: unclosed tags, stray closers and bad entities all
/// parse), and the tree becomes CommonMark that reads on the review screen as the card read
/// in Anki:
///
/// - `<br>` is a line break, `<div>` and the other blocks start a new line, `<p>` and two
///   breaks in a row a new paragraph; whitespace collapses as in a browser;
/// - `<ul>`/`<ol>` are Markdown lists (nested ones indented), `<blockquote>` a quote,
///   `<h1>`…`<h6>` headings, `<hr>` a rule, a table one line per row with ` | ` between cells;
/// - `<b>`/`<strong>` are `**bold**`, `<i>`/`<em>` `*italic*`, inline `<code>` backticks,
///   `<pre>` (and a `<code>` holding line breaks) a fenced code block with its text verbatim;
/// - `<img src=x>` is `![](x)`, naming the media file; `[sound:x]` stays as written;
///   links to web pages are Markdown links, other links their text;
/// - `<style>`, `<script>`, comments and the document head are dropped;
/// - entities are decoded and `&nbsp;` is a space; Markdown's own characters are escaped only
///   where they would otherwise be read as Markdown;
/// - control characters never pass (card text reaches the terminal); a code block keeps its
///   tabs and newlines.
public enum AnkiHTML {
    /// `html` as recall's Markdown card text.
    public static func markdown(fromHTML html: String) -> String {
        guard mayContainMarkup(html) else { return plainMarkdown(html) }
        return withParsedBody(html) { body in
            let writer = MarkdownWriter()
            writer.walkChildren(of: body, depth: 0)
            return writer.finish()
        } ?? plainMarkdown(AnkiTextFilters.stripHTML(html))
    }

    /// The Markdown of HTML converted before, for HTML that shows on several cards (a note's
    /// field on the front of one card and the back of another). Kept by the HTML without its
    /// leading whitespace (spaces, tabs, newlines), which is never content: it comes before any
    /// text, and whitespace before the first word collapses to nothing (the answer side of a
    /// stock template is "\n\n" and the field).
    public struct MarkdownCache {
        private var entries: [Substring: String] = [:]

        public init() {}

        public mutating func removeAll() {
            entries.removeAll(keepingCapacity: true)
        }

        public mutating func markdown(fromHTML html: String) -> String {
            let utf8 = html.utf8
            let start = utf8.firstIndex { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D } ?? utf8.endIndex
            let key = html[start...]
            if let known = entries[key] { return known }
            let converted = AnkiHTML.markdown(fromHTML: html)
            entries[key] = converted
            return converted
        }
    }

    /// The answer side of a rendered card: what follows `<hr id=answer>` (the whole answer
    /// when it has no divider, as cloze answers do). Any spelling of the divider counts:
    /// upper case, quoted id, other attributes, `/>`.
    public static func answerPart(ofAnswerHTML html: String) -> String {
        let bytes = Array(html.utf8)
        var index = 0
        while index + 3 <= bytes.count {
            defer { index += 1 }
            guard bytes[index] == UInt8(ascii: "<"), bytes[index + 1] | 0x20 == UInt8(ascii: "h"),
                bytes[index + 2] | 0x20 == UInt8(ascii: "r")
            else { continue }
            guard let close = bytes[(index + 3)...].firstIndex(of: UInt8(ascii: ">")) else { break }
            let attributes = bytes[(index + 3)..<close]
            guard let first = attributes.first, first == 0x20 || first == 0x09 || first == 0x0A || first == 0x2F,
                idIsAnswer(attributes)
            else { continue }
            return String(decoding: bytes[(close + 1)...], as: UTF8.self)
        }
        return html
    }

    /// The fixtures' "text rule" (fixtures/anki/README.md): `<style>`/`<script>` dropped,
    /// `<br>` a newline (swallowing one newline right after it), the opening and closing tags
    /// of `div p pre li ul ol tr table blockquote h1-h6 hr` newlines, other tags stripped,
    /// entities decoded, `&nbsp;` a space, line ends trimmed, blank lines dropped, trimmed.
    public static func text(fromHTML html: String) -> String {
        let raw = withParsedBody(html) { body in
            var out = ""
            var swallowNewline = false
            TextRule.walk(body, into: &out, swallowNewline: &swallowNewline, depth: 0)
            return out
        } ?? AnkiTextFilters.stripHTML(html)
        let lines = raw.replacingOccurrences(of: "\u{A0}", with: " ").split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                var line = line
                while let last = line.last, last == " " || last == "\t" || last == "\r" { line.removeLast() }
                return line
            }
            .filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
        return lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: Parsing

    private static func mayContainMarkup(_ text: String) -> Bool {
        text.utf8.contains { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") }
    }

    /// Text without markup: only control characters and whitespace need care.
    private static func plainMarkdown(_ text: String) -> String {
        if needsNoChange(text) { return text }
        // The usual answer part, "\n\nParis": whitespace at the ends is no content.
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r\n" || $0 == "\r" }
        if let first = text.first, let last = text.last, isSpace(first) || isSpace(last) {
            var trimmed = Substring(text)
            while let first = trimmed.first, isSpace(first) { trimmed.removeFirst() }
            while let last = trimmed.last, isSpace(last) { trimmed.removeLast() }
            if needsNoChange(String(trimmed)) { return String(trimmed) }
        }
        let writer = MarkdownWriter()
        writer.addText(text)
        return writer.finish()
    }

    /// Whether text without markup is already its own Markdown: single spaces, no control,
    /// bidi or no-break characters, nothing Markdown reads (most fields: "Paris", "What is 7 × 8?").
    static func needsNoChange(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, let last = bytes.last, first != 0x20, last != 0x20 else { return text.isEmpty }
        if Array("#>-+*=~[0123456789".utf8).contains(first) { return false }
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in bytes {
            switch byte {
            case 0x00...0x1F, 0x7F: return false
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["),
                UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: "&"):
                return false
            case 0x20 where previous == 0x20: return false
            // U+0080-U+00A0 (C1 controls, no-break space) are C2 80-A0.
            case 0x80...0xA0 where previous == 0xC2: return false
            // U+2028-U+202E (separators, bidi) are E2 80 A8-AE; U+2066-U+2069 (isolates) E2 81 A6-A9.
            case 0xA8...0xAE where previous == 0x80 && beforePrevious == 0xE2: return false
            case 0xA6...0xA9 where previous == 0x81 && beforePrevious == 0xE2: return false
            default: break
            }
            beforePrevious = previous
            previous = byte
        }
        return true
    }

    /// Parses `html` as the content of a `<body>` and hands the document's root to `body`;
    /// nil when libxml2 gave up part way (callers then fall back to the text without tags,
    /// so that nothing is lost).
    private static func withParsedBody<T>(_ html: String, _ body: (xmlNodePtr) -> T) -> T? {
        // NUL and the other C0 controls are never content; libxml2 stops at some of them.
        let hasControls = html.utf8.contains { $0 < 0x20 && $0 != 0x0A && $0 != 0x09 && $0 != 0x0D }
        let cleaned = !hasControls ? html : String(String.UnicodeScalarView(html.unicodeScalars.filter { scalar in
            scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" || scalar == "\r"
        }))
        // An explicit <body> keeps libxml2 from implying a <p> around leading text.
        let source = "<html><body>" + cleaned + "</body></html>"
        // HUGE lifts libxml2's nesting limit of 256, past which it would drop the rest. The
        // text is UTF-8 whatever a <meta charset> in a field says (IGNORE_ENC), and said to be
        // UTF-8: left to guess, libxml2 reads a whole field as Latin-1 after one C1 character.
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | XML_PARSE_HUGE.rawValue | HTML_PARSE_IGNORE_ENC.rawValue)
        _ = libraryReady
        guard let context = htmlNewParserCtxt() else { return nil }
        defer { htmlFreeParserCtxt(context) }
        let document: htmlDocPtr? = source.withCString { pointer in
            htmlCtxtReadMemory(context, pointer, Int32(clamping: strlen(pointer)), nil, "UTF-8", options)
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard context.pointee.disableSAX == 0, let root = xmlDocGetRootElement(document) else { return nil }
        return body(root)
    }

    /// libxml2 sets up its globals once, before threads may parse side by side (Swift runs a
    /// static initializer exactly once).
    private static let libraryReady: Void = xmlInitParser()

    static func name(of node: xmlNodePtr) -> String {
        // libxml2's HTML parser gives element names in lower case already.
        guard let name = node.pointee.name else { return "" }
        return String(cString: UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
    }

    static func attribute(_ attribute: String, of node: xmlNodePtr) -> String? {
        let value = attribute.withCString { name in
            name.withMemoryRebound(to: xmlChar.self, capacity: attribute.utf8.count + 1) { xmlGetProp(node, $0) }
        }
        guard let value else { return nil }
        defer { recall_xml_free(value) }
        return String(cString: value)
    }

    static func content(of node: xmlNodePtr) -> String {
        guard let value = node.pointee.content else { return "" }
        return String(cString: value)
    }

    /// Whether a tag's attributes say `id=answer` (any case, quoted or not).
    private static func idIsAnswer(_ attributes: ArraySlice<UInt8>) -> Bool {
        let a = attributes.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x2F }
        var i = 0
        while i + 2 <= a.count {
            defer { i += 1 }
            guard a[i] == UInt8(ascii: "i"), a[i + 1] == UInt8(ascii: "d"), i == 0 || isSpace(a[i - 1]) else { continue }
            var j = i + 2
            while j < a.count, a[j] == 0x20 { j += 1 }
            guard j < a.count, a[j] == UInt8(ascii: "=") else { continue }
            j += 1
            while j < a.count, a[j] == 0x20 { j += 1 }
            var quote: UInt8?
            if j < a.count, a[j] == 0x22 || a[j] == 0x27 {
                quote = a[j]
                j += 1
            }
            guard j + 6 <= a.count, Array(a[j..<(j + 6)]) == Array("answer".utf8) else { continue }
            let end: UInt8? = j + 6 < a.count ? a[j + 6] : nil
            if let quote { if end == quote { return true } } else if end == nil || isSpace(end!) { return true }
        }
        return false
    }
}

// MARK: - The text rule

private enum TextRule {
    static let newlineElements: Set<String> = [
        "div", "p", "pre", "li", "ul", "ol", "tr", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    ]

    static func walk(_ parent: xmlNodePtr, into out: inout String, swallowNewline: inout Bool, depth: Int) {
        var node = parent.pointee.children
        while let current = node {
            defer { node = current.pointee.next }
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                var text = AnkiHTML.content(of: current)
                if swallowNewline, text.hasPrefix("\n") { text.removeFirst() }
                swallowNewline = false
                out += text.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\n" || $0 == "\t" }
                    .map(String.init).joined()
            case XML_ELEMENT_NODE:
                let name = AnkiHTML.name(of: current)
                if name == "style" || name == "script" || name == "head" { continue }
                if name != "br" { swallowNewline = false }
                if name == "br" {
                    out += "\n"
                    swallowNewline = true
                    continue
                }
                let breaks = newlineElements.contains(name)
                if breaks { out += "\n" }
                if depth < MarkdownWriter.maximumDepth {
                    walk(current, into: &out, swallowNewline: &swallowNewline, depth: depth + 1)
                } else if let content = xmlNodeGetContent(current) {
                    out += String(cString: content)
                    recall_xml_free(content)
                }
                if breaks && name != "hr" && name != "br" { out += "\n" }
            default:
                continue
            }
        }
    }
}

// MARK: - Markdown

/// A run of inline content with one style.
private struct Style: Equatable {
    var bold = false
    var italic = false
    var code = false
    var link: String?
}

private enum Piece {
    case text(String, Style)
    case image(String, Style)

    var style: Style {
        switch self {
        case .text(_, let style), .image(_, let style): return style
        }
    }
}

/// One Markdown block and what kind it is (a list right under a paragraph of a list item
/// needs no blank line before it).
private struct Block {
    enum Kind { case paragraph, list, code, other }
    var text: String
    var kind: Kind
}

/// Walks libxml2's tree and writes Markdown blocks. Inline content gathers in lines of
/// styled pieces; block boundaries and `<br>` end lines; two breaks end the paragraph.
private final class MarkdownWriter {
    static let maximumDepth = 200

    private(set) var blocks: [Block] = []
    private var lines: [[Piece]] = []
    private var line: [Piece] = []
    private var pendingBreaks = 0
    private var pendingSpace = false
    var style = Style()

    init(style: Style = Style()) {
        self.style = style
    }

    /// The whole document: blocks separated by blank lines.
    func finish() -> String {
        flushParagraph()
        return blocks.map(\.text).joined(separator: "\n\n")
    }

    func finishBlocks() -> [Block] {
        flushParagraph()
        return blocks
    }

    // MARK: Inline content

    private var hasContent: Bool { !line.isEmpty || !lines.isEmpty }

    private func beginContent() {
        if pendingBreaks >= 2 { flushParagraph() }
        pendingBreaks = 0
        if pendingSpace && !line.isEmpty { append(" ") }
        pendingSpace = false
    }

    private func append(_ text: String) {
        if case .text(_, let existingStyle)? = line.last, existingStyle == style,
            case .text(var existing, _) = line.removeLast()
        {
            // Taken out of the line, the run is the only owner of its storage: appended in place.
            existing += text
            line.append(.text(existing, style))
        } else {
            line.append(.text(text, style))
        }
    }

    /// Text in the normal flow: whitespace collapses, `&nbsp;` (already decoded) is a space
    /// that does not, control characters go.
    func addText(_ text: String) {
        // `[[type:Field]]` is Anki's marker for its answer box, which its reviewer always
        // replaces; it is never text a reader sees.
        let text = text.contains("[[type:") ? Self.removingTypeMarkers(text) : text
        if Self.isPlainASCII(text) {
            addASCIIWords(text)
            return
        }
        var run = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0C}", "\u{2028}", "\u{2029}":
                if !run.isEmpty {
                    beginContent()
                    append(run)
                    run = ""
                }
                if !line.isEmpty { pendingSpace = true }
            case "\u{A0}":
                if !line.isEmpty || !run.isEmpty {
                    run.unicodeScalars.append(" ")
                }
            default:
                if Self.isControl(scalar) { continue }
                run.unicodeScalars.append(scalar)
            }
        }
        if !run.isEmpty {
            beginContent()
            append(run)
        }
    }

    /// Whether `text` is printable ASCII and ASCII whitespace only: no control, no-break or
    /// other Unicode space, which `addText` must look at scalar by scalar.
    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 == 0x0C }
    }

    /// `addText` for `isPlainASCII` text: the same words and spaces, found byte by byte.
    private func addASCIIWords(_ text: String) {
        let bytes = text.utf8
        var wordStart: String.Index?
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C {
                if let start = wordStart {
                    beginContent()
                    append(String(text[start..<index]))
                    wordStart = nil
                }
                if !line.isEmpty { pendingSpace = true }
            } else if wordStart == nil {
                wordStart = index
            }
            index = bytes.index(after: index)
        }
        if let start = wordStart {
            beginContent()
            append(String(text[start...]))
        }
    }

    func addImage(_ source: String) {
        beginContent()
        line.append(.image(source, style))
    }

    /// `<br>`: ends the line; a second one in a row ends the paragraph.
    func lineBreak() {
        pendingSpace = false
        if !line.isEmpty {
            lines.append(line)
            line = []
            pendingBreaks = 1
        } else if hasContent {
            pendingBreaks += 1
        }
    }

    /// A block element's edge: content after it starts on a new line.
    func blockBoundary() {
        pendingSpace = false
        if !line.isEmpty {
            lines.append(line)
            line = []
            pendingBreaks = max(pendingBreaks, 1)
        }
    }

    /// A paragraph's edge: content after it starts a new paragraph.
    func paragraphBoundary() {
        blockBoundary()
        if hasContent { pendingBreaks = 2 }
    }

    func addBlock(_ block: Block) {
        flushParagraph()
        blocks.append(block)
    }

    private func flushParagraph() {
        if !line.isEmpty { lines.append(line) }
        line = []
        pendingBreaks = 0
        pendingSpace = false
        let rendered = lines.map { Inline.serialize($0) }.filter { !$0.isEmpty }
        lines = []
        guard !rendered.isEmpty else { return }
        blocks.append(Block(text: rendered.joined(separator: "\\\n"), kind: .paragraph))
    }

    static func removingTypeMarkers(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "[[type:"), let close = rest[open.upperBound...].range(of: "]]") {
            out += rest[..<open.lowerBound]
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        // Bidirectional embeddings, overrides and isolates: they make text read as other text.
        case 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    // MARK: The walk

    func walkChildren(of parent: xmlNodePtr, depth: Int) {
        var node = parent.pointee.children
        while let current = node {
            walk(current, depth: depth)
            node = current.pointee.next
        }
    }

    func walk(_ node: xmlNodePtr, depth: Int) {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            addText(AnkiHTML.content(of: node))
            return
        case XML_ELEMENT_NODE:
            break
        default:
            return
        }
        guard depth < Self.maximumDepth else {
            // Past any sane nesting: the text, without structure (and without recursion).
            if let content = xmlNodeGetContent(node) {
                addText(String(cString: content))
                recall_xml_free(content)
            }
            return
        }
        let name = AnkiHTML.name(of: node)
        switch name {
        case "script", "style", "head", "title", "meta", "link", "template", "noscript", "iframe", "object", "embed",
            "audio", "video", "svg", "math", "canvas", "select", "option", "rp":
            return
        case "br":
            lineBreak()
        case "hr":
            addBlock(Block(text: "---", kind: .other))
        case "p":
            paragraphBoundary()
            walkChildren(of: node, depth: depth + 1)
            paragraphBoundary()
        case "h1", "h2", "h3", "h4", "h5", "h6":
            heading(node, level: Int(String(name.last!)) ?? 1, depth: depth)
        case "ul", "ol":
            list(node, depth: depth)
        case "li":
            list(node, depth: depth, loneItem: true)
        case "blockquote":
            quote(node, depth: depth)
        case "pre":
            codeBlock(node)
        case "code", "kbd", "samp", "tt":
            if Self.holdsLineBreak(node) {
                codeBlock(node)
            } else {
                styled(node, depth: depth) { $0.code = true }
            }
        case "table":
            table(node, depth: depth)
        case "b", "strong":
            styled(node, depth: depth) { $0.bold = true }
        case "span":
            // Anki's revealed cloze (and the asked one, `[...]`) stands out as it does in Anki.
            let classes = AnkiHTML.attribute("class", of: node)?.split(separator: " ") ?? []
            if classes.contains("cloze") {
                styled(node, depth: depth) { $0.bold = true }
            } else {
                walkChildren(of: node, depth: depth + 1)
            }
        case "i", "em", "cite", "dfn", "var":
            styled(node, depth: depth) { $0.italic = true }
        case "a":
            let href = AnkiHTML.attribute("href", of: node).flatMap(Self.webAddress)
            styled(node, depth: depth) { style in if style.link == nil { style.link = href } }
        case "img":
            if let source = AnkiHTML.attribute("src", of: node)?.trimmingCharacters(in: .whitespacesAndNewlines),
                !source.isEmpty
            {
                addImage(source)
            }
        case "div", "section", "article", "header", "footer", "nav", "aside", "main", "address", "figure",
            "figcaption", "center", "dl", "dt", "dd", "form", "fieldset", "details", "summary", "caption", "legend",
            "body", "html", "tbody", "thead", "tfoot", "tr", "td", "th":
            blockBoundary()
            walkChildren(of: node, depth: depth + 1)
            blockBoundary()
        default:
            walkChildren(of: node, depth: depth + 1)
        }
    }

    private func styled(_ node: xmlNodePtr, depth: Int, _ change: (inout Style) -> Void) {
        let saved = style
        change(&style)
        walkChildren(of: node, depth: depth + 1)
        style = saved
    }

    /// The blocks `node`'s children make on their own (a list item, a quote, a cell).
    private func blocks(of node: xmlNodePtr, depth: Int) -> [Block] {
        let inner = MarkdownWriter(style: style)
        inner.walkChildren(of: node, depth: depth + 1)
        return inner.finishBlocks()
    }

    private func heading(_ node: xmlNodePtr, level: Int, depth: Int) {
        let text = blocks(of: node, depth: depth).map { $0.text.replacingOccurrences(of: "\\\n", with: " ") }
            .joined(separator: " ").replacingOccurrences(of: "\n", with: " ")
        guard !text.isEmpty else { return }
        var body = text
        // A closing run of `#` after a space would be read as the heading's end marker.
        if body.hasSuffix("#") {
            let trailing = body.reversed().prefix(while: { $0 == "#" }).count
            let before = body.dropLast(trailing).last
            if before == nil || before == " " { body.insert("\\", at: body.index(body.endIndex, offsetBy: -trailing)) }
        }
        addBlock(Block(text: String(repeating: "#", count: level) + " " + body, kind: .other))
    }

    private func quote(_ node: xmlNodePtr, depth: Int) {
        let inner = blocks(of: node, depth: depth)
        guard !inner.isEmpty else { return }
        let text = inner.map(\.text).joined(separator: "\n\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
        addBlock(Block(text: text, kind: .other))
    }

    /// A `<ul>`/`<ol>` (or a stray `<li>`) as a Markdown list. A list directly inside a list,
    /// as Anki's editor writes nested lists, belongs to the item before it.
    private func list(_ node: xmlNodePtr, depth: Int, loneItem: Bool = false) {
        let ordered = AnkiHTML.name(of: node) == "ol"
        var number = ordered ? (AnkiHTML.attribute("start", of: node).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 1) : 1
        var items: [[Block]] = []
        var stray = MarkdownWriter(style: style)
        func flushStray() {
            let strayBlocks = stray.finishBlocks()
            if !strayBlocks.isEmpty { items.append(strayBlocks) }
            stray = MarkdownWriter(style: style)
        }
        if loneItem {
            items.append(blocks(of: node, depth: depth))
        } else {
            var child = node.pointee.children
            while let current = child {
                defer { child = current.pointee.next }
                let childName = current.pointee.type == XML_ELEMENT_NODE ? AnkiHTML.name(of: current) : ""
                if childName == "li" {
                    flushStray()
                    items.append(blocks(of: current, depth: depth + 1))
                } else if childName == "ul" || childName == "ol" {
                    flushStray()
                    let nested = MarkdownWriter(style: style)
                    nested.list(current, depth: depth + 1)
                    let nestedBlocks = nested.finishBlocks()
                    if items.isEmpty { items.append(nestedBlocks) } else { items[items.count - 1] += nestedBlocks }
                } else {
                    stray.walk(current, depth: depth + 1)
                }
            }
            flushStray()
        }
        var lines: [String] = []
        for item in items where !item.isEmpty {
            let marker = ordered ? "\(number). " : "- "
            number += 1
            let indent = String(repeating: " ", count: marker.count)
            var text = ""
            for (index, block) in item.enumerated() {
                if index > 0 { text += block.kind == .list || block.kind == .code ? "\n" : "\n\n" }
                text += block.text
            }
            let itemLines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
                index == 0 ? marker + line : (line.isEmpty ? "" : indent + line)
            }
            lines.append(itemLines.joined(separator: "\n"))
        }
        guard !lines.isEmpty else { return }
        addBlock(Block(text: lines.joined(separator: "\n"), kind: .list))
    }

    private func table(_ node: xmlNodePtr, depth: Int) {
        var rows: [String] = []
        func collectRows(_ parent: xmlNodePtr, depth: Int) {
            var child = parent.pointee.children
            while let current = child {
                defer { child = current.pointee.next }
                guard current.pointee.type == XML_ELEMENT_NODE else { continue }
                switch AnkiHTML.name(of: current) {
                case "tr":
                    var cells: [String] = []
                    var cell = current.pointee.children
                    while let cellNode = cell {
                        defer { cell = cellNode.pointee.next }
                        guard cellNode.pointee.type == XML_ELEMENT_NODE else { continue }
                        let text = blocks(of: cellNode, depth: depth + 1).map(\.text).joined(separator: " ")
                            .replacingOccurrences(of: "\\\n", with: " ").replacingOccurrences(of: "\n", with: " ")
                        if !text.isEmpty { cells.append(text) }
                    }
                    if !cells.isEmpty { rows.append(cells.joined(separator: " | ")) }
                case "thead", "tbody", "tfoot":
                    if depth < Self.maximumDepth { collectRows(current, depth: depth + 1) }
                case "caption":
                    let text = blocks(of: current, depth: depth + 1).map(\.text).joined(separator: " ")
                    if !text.isEmpty { rows.append(text) }
                default:
                    continue
                }
            }
        }
        collectRows(node, depth: depth)
        guard !rows.isEmpty else { return }
        addBlock(Block(text: rows.joined(separator: "\\\n"), kind: .paragraph))
    }

    private static func holdsLineBreak(_ node: xmlNodePtr) -> Bool {
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE, AnkiHTML.content(of: current).contains("\n") { return true }
            if current.pointee.type == XML_ELEMENT_NODE {
                let name = AnkiHTML.name(of: current)
                if name == "br" || name == "div" || name == "p" { return true }
            }
            child = current.pointee.next
        }
        return false
    }

    /// `<pre>` or a multi-line `<code>`: a fenced block with the text as written (`<br>` and
    /// block edges inside are newlines), its language from a `language-x`/`lang-x` class.
    private func codeBlock(_ node: xmlNodePtr) {
        var text = ""
        var language: String?
        func collect(_ parent: xmlNodePtr, depth: Int) {
            var child = parent.pointee.children
            while let current = child {
                defer { child = current.pointee.next }
                switch current.pointee.type {
                case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                    text += AnkiHTML.content(of: current)
                case XML_ELEMENT_NODE:
                    let name = AnkiHTML.name(of: current)
                    if name == "br" {
                        text += "\n"
                    } else if name == "script" || name == "style" {
                        continue
                    } else {
                        if language == nil { language = Self.language(of: current) }
                        let block = name == "div" || name == "p" || name == "li" || name == "tr"
                        if block && !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
                        if depth < Self.maximumDepth { collect(current, depth: depth + 1) }
                        if block && !text.hasSuffix("\n") { text += "\n" }
                    }
                default:
                    continue
                }
            }
        }
        language = Self.language(of: node)
        collect(node, depth: 0)
        // Newlines as Unix writes them, no control characters but the tab; a newline right
        // after `<pre>` is not content (HTML's rule) and trailing blank lines are not either.
        // (Code of printable ASCII, tabs and newlines, the usual, needs none of that.)
        let asWritten = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F || $0 == 0x0A || $0 == 0x09 }
        var code = asWritten ? text : String(String.UnicodeScalarView(
            text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .replacingOccurrences(of: "\u{A0}", with: " ")
                .unicodeScalars.filter { $0 == "\n" || $0 == "\t" || !Self.isControl($0) }))
        if code.hasPrefix("\n") { code.removeFirst() }
        while let last = code.last, last == "\n" || last == " " || last == "\t" { code.removeLast() }
        guard !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return }
        var longest = 0, run = 0
        if code.utf8.contains(0x60) {
            for character in code {
                run = character == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        let info = language.map { String($0.filter { $0.isLetter || $0.isNumber || "+-#_.".contains($0) }) } ?? ""
        addBlock(Block(text: fence + info + "\n" + code + "\n" + fence, kind: .code))
    }

    private static func language(of node: xmlNodePtr) -> String? {
        guard let classes = AnkiHTML.attribute("class", of: node) else { return nil }
        for name in classes.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            for prefix in ["language-", "lang-"] where name.hasPrefix(prefix) && name.count > prefix.count {
                return String(name.dropFirst(prefix.count))
            }
        }
        return nil
    }

    /// Links are kept when they lead to a web page or a mail address; anything else
    /// (`javascript:`, a relative path) is only its text.
    private static func webAddress(_ href: String) -> String? {
        let trimmed = href.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = trimmed.lowercased()
        guard ["http://", "https://", "mailto:", "ftp://"].contains(where: { lower.hasPrefix($0) }) else { return nil }
        return trimmed
    }
}

// MARK: - Inline serialization

private enum Inline {
    /// What a line may use: everything, no emphasis, or only code spans and images.
    enum Mode: CaseIterable { case full, withoutEmphasis, plain }

    /// One line of pieces as CommonMark: link outermost, then bold, italic and code, each
    /// group's outer spaces moved outside its markers; the line's start escaped where it
    /// would begin a block. CommonMark's delimiter rules have corners (`*a***b*`), so a
    /// styled line is read back with cmark, and when it would not read as its own text it
    /// is written with less styling: the words always survive, the emphasis may not.
    static func serialize(_ pieces: [Piece]) -> String {
        var pieces = pieces
        // Lines never end with a space (two would be a hard break) nor start with one.
        trimTrailingSpace(&pieces)
        trimLeadingSpace(&pieces)
        guard !pieces.isEmpty else { return "" }
        let styled = pieces.contains { $0.style.bold || $0.style.italic || $0.style.link != nil || $0.style.code }
        let expected = shownText(pieces)
        for mode in Mode.allCases {
            var out = ""
            write(pieces[...], level: 0, mode: mode, into: &out,
                before: nil, followedBy: nil)
            let line = escapeLineStart(out)
            if mode == .plain || (!styled && mode == .full) || CommonMarkReading.readsAs(line, expected) { return line }
        }
        return ""
    }

    /// The text a reader should see for `pieces`: their text, code as written (on one line).
    private static func shownText(_ pieces: [Piece]) -> String {
        pieces.map { piece -> String in
            switch piece {
            case .text(let text, let style):
                return style.code && text.utf8.contains(0x0A) ? text.replacingOccurrences(of: "\n", with: " ") : text
            case .image: return ""
            }
        }.joined()
    }

    private static func trimTrailingSpace(_ pieces: inout [Piece]) {
        while case .text(var text, let style)? = pieces.last {
            guard text.utf8.last == 0x20 else { break }
            while text.utf8.last == 0x20 { text.removeLast() }
            if text.isEmpty { pieces.removeLast() } else { pieces[pieces.count - 1] = .text(text, style); break }
        }
    }

    private static func trimLeadingSpace(_ pieces: inout [Piece]) {
        while case .text(let text, let style)? = pieces.first {
            guard text.utf8.first == 0x20 else { break }
            let trimmed = String(text.drop(while: { $0 == " " }))
            if trimmed.isEmpty { pieces.removeFirst() } else { pieces[0] = .text(trimmed, style); break }
        }
    }

    /// `text` without the spaces at its ends, and how many there were at each end.
    private static func splitSpaces(_ text: String) -> (leading: Int, kept: String, trailing: Int) {
        guard text.utf8.first == 0x20 || text.utf8.last == 0x20 else { return (0, text, 0) }
        var kept = Substring(text)
        var leading = 0, trailing = 0
        while kept.utf8.first == 0x20 {
            kept.removeFirst()
            leading += 1
        }
        while kept.utf8.last == 0x20 {
            kept.removeLast()
            trailing += 1
        }
        return (leading, String(kept), trailing)
    }

    /// Levels: 0 link, 1 bold, 2 italic, 3 code, 4 plain; a mode skips the levels it does not use.
    private static func key(_ style: Style, level: Int, mode: Mode) -> String? {
        switch (level, mode) {
        case (0, .full), (0, .withoutEmphasis): return style.link
        case (1, .full): return style.bold ? "b" : nil
        case (2, .full): return style.italic ? "i" : nil
        case (3, _): return style.code ? "c" : nil
        default: return nil
        }
    }

    /// Writes `pieces` at `level`. `before` is the character the output shows just before
    /// (for the flanking rules), `next` the one just after, nil at the line's ends.
    private static func write(
        _ pieces: ArraySlice<Piece>, level: Int, mode: Mode, into out: inout String, before: Character?,
        followedBy next: Character?, inLinkText: Bool = false
    ) {
        if level == 4 {
            for (offset, piece) in zip(pieces.indices, pieces) {
                let last = offset == pieces.indices.last
                switch piece {
                case .text(let text, _):
                    out += escape(text, followedBy: last ? next : "x", inLinkText: inLinkText)
                case .image(let source, _):
                    out += "![](" + destination(source) + ")"
                }
            }
            return
        }
        var start = pieces.startIndex
        while start < pieces.endIndex {
            let groupKey = key(pieces[start].style, level: level, mode: mode)
            var end = start + 1
            while end < pieces.endIndex, key(pieces[end].style, level: level, mode: mode) == groupKey { end += 1 }
            let group = pieces[start..<end]
            let after: Character? = end < pieces.endIndex ? firstCharacter(of: pieces[end], level: level, mode: mode) : next
            let preceding = out.last ?? before
            if let groupKey {
                wrap(group, level: level, mode: mode, key: groupKey, into: &out, before: preceding, followedBy: after,
                    inLinkText: inLinkText)
            } else {
                write(group, level: level + 1, mode: mode, into: &out, before: preceding, followedBy: after,
                    inLinkText: inLinkText)
            }
            start = end
        }
    }

    /// The character the output will show first for `piece` written from `level` down.
    private static func firstCharacter(of piece: Piece, level: Int, mode: Mode) -> Character? {
        for inner in level...3 where key(piece.style, level: inner, mode: mode) != nil {
            return inner == 0 ? "[" : inner == 3 ? "`" : "*"
        }
        switch piece {
        case .image: return "!"
        case .text(let text, _): return text.first
        }
    }

    private static func wrap(
        _ group: ArraySlice<Piece>, level: Int, mode: Mode, key: String, into out: inout String, before: Character?,
        followedBy after: Character?, inLinkText: Bool
    ) {
        // Spaces at the group's edges go outside the markers.
        var pieces = Array(group)
        var leading = "", trailing = ""
        if case .text(let text, let style)? = pieces.first {
            let (count, kept, _) = splitSpaces(text)
            if count > 0 {
                let kept = String(text.dropFirst(count))
                leading = String(repeating: " ", count: count)
                if kept.isEmpty { pieces.removeFirst() } else { pieces[0] = .text(kept, style) }
            } else if kept.isEmpty {
                pieces.removeFirst()
            }
        }
        if case .text(let text, let style)? = pieces.last {
            let (_, _, count) = splitSpaces(text)
            if count > 0 {
                let kept = String(text.dropLast(count))
                trailing = String(repeating: " ", count: count)
                if kept.isEmpty { pieces.removeLast() } else { pieces[pieces.count - 1] = .text(kept, style) }
            }
        }
        out += leading
        defer { out += trailing }
        guard !pieces.isEmpty else { return }
        let opening = leading.isEmpty ? before : " "
        let closingNext: Character? = trailing.isEmpty ? after : " "
        switch level {
        case 0:
            var inner = ""
            write(pieces[...], level: 1, mode: mode, into: &inner, before: "[", followedBy: "]", inLinkText: true)
            out += "[" + inner + "](" + destination(key) + ")"
        case 1, 2:
            let marker = level == 1 ? "**" : "*"
            var inner = ""
            write(pieces[...], level: level + 1, mode: mode, into: &inner, before: "*", followedBy: "*",
                inLinkText: inLinkText)
            if canEmphasize(inner, before: opening, after: closingNext) {
                out += marker + inner + marker
            } else {
                // Markers that would not be read as emphasis here: the text without them.
                write(pieces[...], level: level + 1, mode: mode, into: &out, before: opening, followedBy: closingNext,
                    inLinkText: inLinkText)
            }
        default:
            let code = pieces.map { piece -> String in
                if case .text(let text, _) = piece { return text }
                return ""
            }.joined()
            out += codeSpan(code)
        }
    }

    /// CommonMark's flanking rules for `*` markers around `inner`.
    private static func canEmphasize(_ inner: String, before: Character?, after: Character?) -> Bool {
        guard let first = inner.first, let last = inner.last else { return false }
        func isSpace(_ c: Character?) -> Bool { c == nil || c!.isWhitespace }
        func isPunctuation(_ c: Character?) -> Bool { c.map { $0.isPunctuation || $0.isSymbol } ?? false }
        let leftFlanking = !isSpace(first) && (!isPunctuation(first) || isSpace(before) || isPunctuation(before))
        let rightFlanking = !isSpace(last) && (!isPunctuation(last) || isSpace(after) || isPunctuation(after))
        return leftFlanking && rightFlanking
    }

    private static func codeSpan(_ code: String) -> String {
        let code = code.utf8.contains(0x0A) ? code.replacingOccurrences(of: "\n", with: " ") : code
        guard !code.isEmpty else { return "" }
        var longest = 0, run = 0
        if code.utf8.contains(0x60) {
            for character in code {
                run = character == "`" ? run + 1 : 0
                longest = max(longest, run)
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = code.hasPrefix("`") || code.hasSuffix("`") || (code.hasPrefix(" ") && code.hasSuffix(" ") && code.contains { $0 != " " })
        return fence + (pad ? " " : "") + code + (pad ? " " : "") + fence
    }

    /// A link or image destination: in `<…>` when it holds spaces or parentheses.
    private static func destination(_ url: String) -> String {
        let cleaned = url.unicodeScalars.filter { !MarkdownWriter.isControl($0) && $0 != "<" && $0 != ">" }
            .map(String.init).joined().replacingOccurrences(of: "\\", with: "\\\\")
        if cleaned.contains(where: { $0 == " " || $0 == "(" || $0 == ")" }) { return "<" + cleaned + ">" }
        return cleaned
    }

    /// Plain text with the characters escaped that Markdown would otherwise read as syntax.
    /// `following` is the character the output shows right after `text` (nil at the line's end).
    private static func escape(_ text: String, followedBy following: Character?, inLinkText: Bool = false) -> String {
        let needsLook = text.utf8.contains { byte in
            switch byte {
            case 0x5C, 0x60, 0x2A, 0x5F, 0x5B, 0x5D, 0x3C, 0x26: return true  // \ ` * _ [ ] < &
            default: return false
            }
        }
        if !needsLook { return text }
        let s = Array(text)
        var out = ""
        for (i, c) in s.enumerated() {
            let prev: Character? = i > 0 ? s[i - 1] : nil
            let next: Character? = i + 1 < s.count ? s[i + 1] : nil
            switch c {
            case "\\":
                if next == nil || next!.isASCII && (next!.isPunctuation || next!.isSymbol) { out += "\\" }
            case "`":
                out += "\\"
            case "*":
                if !(prev?.isWhitespace == true && next?.isWhitespace == true) { out += "\\" }
            case "_":
                let word = { (c: Character?) in c.map { $0.isLetter || $0.isNumber } ?? false }
                let space = { (c: Character?) in c?.isWhitespace == true }
                if !(word(prev) && word(next)) && !(space(prev) && space(next)) { out += "\\" }
            case "]":
                let after = next ?? following
                if inLinkText || after == "(" || after == "[" { out += "\\" }
            case "[":
                if inLinkText { out += "\\" }
            case "<":
                if let next, next.isASCII && next.isLetter || next == "/" || next == "!" || next == "?" { out += "\\" }
            case "&":
                if looksLikeEntity(s, from: i + 1) { out += "\\" }
            default:
                break
            }
            out.append(c)
        }
        return out
    }

    private static func looksLikeEntity(_ s: [Character], from start: Int) -> Bool {
        var i = start
        if i < s.count, s[i] == "#" { i += 1 }
        let bodyStart = i
        while i < s.count, i - bodyStart < 32, s[i].isASCII, s[i].isLetter || s[i].isNumber { i += 1 }
        return i > bodyStart && i < s.count && s[i] == ";"
    }

    /// Escapes the start of a line that would otherwise open a block: a heading, quote,
    /// list item, rule, setext underline, fence or link reference definition.
    static func escapeLineStart(_ line: String) -> String {
        guard let first = line.first else { return line }
        let rest = line.dropFirst()
        func escapedFirst() -> String { "\\" + line }
        switch first {
        case "#":
            let hashes = line.prefix(while: { $0 == "#" }).count
            let after = line.dropFirst(hashes).first
            if hashes <= 6 && (after == nil || after == " " || after == "\t") { return escapedFirst() }
        case ">":
            return escapedFirst()
        case "-", "+", "*":
            if rest.isEmpty || rest.first == " " || rest.first == "\t" { return escapedFirst() }
            if first != "+", line.allSatisfy({ $0 == first || $0 == " " }) { return escapedFirst() }
        case "=":
            if line.allSatisfy({ $0 == "=" || $0 == " " }) { return escapedFirst() }
        case "~":
            if line.hasPrefix("~~~") { return escapedFirst() }
        case "[":
            if line.contains("]:") { return escapedFirst() }
        case "0"..."9":
            let digits = line.prefix(while: { $0.isASCII && $0.isNumber }).count
            let index = line.index(line.startIndex, offsetBy: digits)
            if digits <= 9, index < line.endIndex, line[index] == "." || line[index] == ")" {
                let after = line[line.index(after: index)...].first
                if after == nil || after == " " || after == "\t" {
                    return String(line[..<index]) + "\\" + String(line[index...])
                }
            }
        default:
            break
        }
        return line
    }
}

// MARK: - Reading Markdown back

/// cmark's reading of one line of Markdown, to check that it shows the text it should.
private enum CommonMarkReading {
    static func readsAs(_ line: String, _ expected: String) -> Bool {
        guard let document = line.withCString({ cmark_parse_document($0, strlen($0), CMARK_OPT_DEFAULT) }) else {
            return false
        }
        defer { cmark_node_free(document) }
        guard let paragraph = cmark_node_first_child(document), cmark_node_next(paragraph) == nil,
            cmark_node_get_type(paragraph) == CMARK_NODE_PARAGRAPH
        else { return false }
        var text = ""
        func walk(_ node: OpaquePointer) {
            switch cmark_node_get_type(node) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if let literal = cmark_node_get_literal(node) { text += String(cString: literal) }
            case CMARK_NODE_SOFTBREAK:
                text += " "
            case CMARK_NODE_LINEBREAK:
                text += "\n"
            case CMARK_NODE_IMAGE:
                return
            case CMARK_NODE_HTML_INLINE:
                text += "\u{FFFC}"  // raw HTML is never what a line of text should read as
            default:
                var child = cmark_node_first_child(node)
                while let current = child {
                    walk(current)
                    child = cmark_node_next(current)
                }
            }
        }
        walk(paragraph)
        return text == expected
    }
}
