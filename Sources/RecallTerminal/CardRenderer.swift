import CCmark

/// Lays out a card's Markdown for a terminal of a given width.
///
/// The text is parsed by libcmark (CommonMark, the dialect RecallImport also reads) and
/// the syntax tree is walked into styled lines: prose wrapped at word boundaries, lists
/// with hanging indents, quotes with a bar, code in a box-drawn frame with syntax
/// colours. Every string taken from the card passes through the `Sanitizer`, both before
/// parsing and after (cmark decodes `&#27;` into a real ESC).
///
/// Rendering is a pure function of its arguments, cheap enough to redo on every resize:
/// a typical card takes tens of microseconds in a release build.
public struct CardRenderer: Sendable {
    public var theme: Theme

    /// Deeper nesting than this (quotes in lists in quotes…) is shown as plain text, so a
    /// hostile card cannot exhaust the stack or squeeze the text to one column.
    public static let maximumNesting = 16

    public init(theme: Theme = .standard) {
        self.theme = theme
    }

    /// Terminal lines for `markdown`, none wider than `width` columns. With `colors`,
    /// the lines carry SGR sequences only; without, they are plain text (inline code keeps
    /// its backticks so that it stays recognisable).
    public func render(markdown: String, width: Int, colors: Bool) -> [String] {
        let width = max(1, width)
        return layout(markdown: markdown, width: width, colors: colors)
            .render(width: width, colors: colors)
    }

    /// A card laid out as text and the pictures it shows. A top-level paragraph that holds only
    /// images becomes one `.image` per picture, in its place; an image inside other text keeps
    /// its `[image: name]` marker there and is also drawn after the block that holds it.
    public enum Block: Sendable, Equatable {
        case text([String])
        case image(name: String)
    }

    /// `render`, with pictures as blocks of their own so that a screen can draw them.
    public func renderBlocks(markdown: String, width: Int, colors: Bool) -> [Block] {
        let width = max(1, width)
        let source = Sanitizer.sanitize(markdown)
        let length = source.utf8.count
        let document = source.withCString { pointer in
            cmark_parse_document(pointer, length, CMARK_OPT_DEFAULT)
        }
        guard let document else { return [.text(render(markdown: markdown, width: width, colors: colors))] }
        defer { cmark_node_free(document) }
        let layout = Layout(theme: theme, colors: colors)
        var blocks: [Block] = []
        var child = cmark_node_first_child(document)
        while let node = child {
            if !blocks.isEmpty { blocks.append(.text([""])) }
            let images = layout.imageNames(in: node)
            if layout.holdsOnlyImages(node) {
                for (index, name) in images.enumerated() {
                    if index > 0 { blocks.append(.text([""])) }
                    blocks.append(.image(name: name))
                }
            } else {
                let lines = layout.block(node, width: width, tight: false, depth: 0)
                blocks.append(.text(StyledText(lines).render(width: width, colors: colors)))
                blocks.append(contentsOf: images.map { Block.image(name: $0) })
            }
            child = cmark_node_next(node)
        }
        return blocks
    }

    /// The names (URLs) of the images `markdown` shows, in order, each once.
    public func imageNames(markdown: String) -> [String] {
        let source = Sanitizer.sanitize(markdown)
        let length = source.utf8.count
        guard let document = source.withCString({ cmark_parse_document($0, length, CMARK_OPT_DEFAULT) })
        else { return [] }
        defer { cmark_node_free(document) }
        var seen: Set<String> = []
        return Layout(theme: theme, colors: false).imageNames(in: document).filter { seen.insert($0).inserted }
    }

    /// The styled lines behind `render`, for callers that compose them with other lines.
    public func layout(markdown: String, width: Int, colors: Bool) -> StyledText {
        let source = Sanitizer.sanitize(markdown)
        let length = source.utf8.count
        let document = source.withCString { pointer in
            cmark_parse_document(pointer, length, CMARK_OPT_DEFAULT)
        }
        guard let document else {
            return StyledText(Wrapper.wrap([.text(source, .plain)], width: width))
        }
        defer { cmark_node_free(document) }
        let layout = Layout(theme: theme, colors: colors)
        return StyledText(layout.blocks(in: document, width: max(1, width), tight: false, depth: 0))
    }
}

/// The walk over cmark's tree. Block methods return lines; inline methods return pieces
/// for the `Wrapper`.
private struct Layout {
    let theme: Theme
    let colors: Bool

    static let bullets = ["•", "◦", "▪"]

    /// The children of `parent` as blocks, separated by a blank line unless `tight`
    /// (the paragraphs of a tight list's items sit directly under each other).
    func blocks(in parent: OpaquePointer, width: Int, tight: Bool, depth: Int) -> [StyledLine] {
        var lines: [StyledLine] = []
        var child = cmark_node_first_child(parent)
        while let node = child {
            let blockLines = block(node, width: width, tight: tight, depth: depth)
            if !lines.isEmpty && !tight { lines.append(StyledLine()) }
            lines.append(contentsOf: blockLines)
            child = cmark_node_next(node)
        }
        return lines
    }

    func block(_ node: OpaquePointer, width: Int, tight: Bool, depth: Int) -> [StyledLine] {
        if depth > CardRenderer.maximumNesting {
            return Wrapper.wrap([.text(plainText(of: node), .plain)], width: width)
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_PARAGRAPH:
            return Wrapper.wrap(inlines(in: node, style: .plain, depth: depth), width: width)
        case CMARK_NODE_HEADING:
            let style = cmark_node_get_heading_level(node) <= 1 ? theme.title : theme.heading
            return Wrapper.wrap(inlines(in: node, style: style, depth: depth), width: width)
        case CMARK_NODE_THEMATIC_BREAK:
            return [StyledLine(String(repeating: "─", count: width), style: theme.rule)]
        case CMARK_NODE_CODE_BLOCK:
            return codeBlock(
                code: literal(node, keepNewlines: true), info: safe(string(cmark_node_get_fence_info(node))),
                width: width)
        case CMARK_NODE_HTML_BLOCK:
            var text = literal(node, keepNewlines: true)
            while text.hasSuffix("\n") { text.removeLast() }
            return text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line in
                Wrapper.breakLine(StyledLine(String(line), style: theme.rawHTML), width: width)
            }
        case CMARK_NODE_BLOCK_QUOTE:
            return quote(node, width: width, depth: depth)
        case CMARK_NODE_LIST:
            return list(node, width: width, depth: depth)
        default:
            return blocks(in: node, width: width, tight: tight, depth: depth + 1)
        }
    }

    private func quote(_ node: OpaquePointer, width: Int, depth: Int) -> [StyledLine] {
        let bar = Span(trusted: "│ ", style: theme.quoteBar, width: 2)
        let inner = blocks(in: node, width: max(1, width - 2), tight: false, depth: depth + 1)
        return inner.map { line in
            var quoted = StyledLine([bar])
            for span in line.spans {
                quoted.spans.append(
                    Span(trusted: span.text, style: theme.quote.merging(span.style), width: span.width))
            }
            return quoted
        }
    }

    /// Items with their marker on the first line and a hanging indent under it; numbers
    /// are right-aligned so that the text of items 9 and 10 starts in the same column.
    private func list(_ node: OpaquePointer, width: Int, depth: Int) -> [StyledLine] {
        let ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST
        let tight = cmark_node_get_list_tight(node) != 0
        let delimiter = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ? ")" : "."
        var items: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let item = child {
            items.append(item)
            child = cmark_node_next(item)
        }
        let start = Int(cmark_node_get_list_start(node))
        let listDepth = depthOfList(node)
        let markers: [String] = items.indices.map { index in
            ordered ? String(start + index) + delimiter : Self.bullets[listDepth % Self.bullets.count]
        }
        let markerWidth = (markers.map { DisplayWidth.of($0) }.max() ?? 1) + 1
        let contentWidth = max(1, width - markerWidth)
        let indent = Span(trusted: String(repeating: " ", count: markerWidth), style: .plain, width: markerWidth)

        var lines: [StyledLine] = []
        for (index, item) in items.enumerated() {
            if index > 0 && !tight { lines.append(StyledLine()) }
            let content = blocks(in: item, width: contentWidth, tight: tight, depth: depth + 1)
            let marker = markers[index]
            let padding = String(repeating: " ", count: markerWidth - 1 - DisplayWidth.of(marker))
            let markerSpan = Span(
                trusted: padding + marker + " ", style: theme.listMarker, width: markerWidth)
            if content.isEmpty {
                lines.append(StyledLine([markerSpan]))
                continue
            }
            for (lineIndex, line) in content.enumerated() {
                var prefixed = StyledLine([lineIndex == 0 ? markerSpan : indent])
                if line.spans.isEmpty && lineIndex > 0 {
                    lines.append(StyledLine())
                    continue
                }
                prefixed.append(contentsOf: line)
                lines.append(prefixed)
            }
        }
        return lines
    }

    /// How many lists enclose this one, to pick the bullet (•, then ◦, then ▪).
    private func depthOfList(_ node: OpaquePointer) -> Int {
        var count = 0
        var parent = cmark_node_parent(node)
        while let current = parent {
            if cmark_node_get_type(current) == CMARK_NODE_LIST { count += 1 }
            parent = cmark_node_parent(current)
        }
        return count
    }

    // MARK: Code blocks

    /// A fenced or indented code block in a frame:
    ///
    ///     ┌─ python ──────┐
    ///     │ print("hi")   │
    ///     └───────────────┘
    ///
    /// The frame fits the longest line, up to the available width; longer lines continue
    /// on the next row after a `↪`, so nothing is cut off and indentation stays readable.
    /// Below five columns there is no room for a frame and the code is shown bare.
    func codeBlock(code: String, info: String, width: Int) -> [StyledLine] {
        var code = code
        if code.hasSuffix("\n") { code.removeLast() }
        let label = info.split(separator: " ").first.map(String.init) ?? ""
        let language = CodeLanguage(infoString: info)
        let tokenLines = SyntaxHighlighter.highlight(code, language: language)
        let codeLines: [[Span]] = tokenLines.map { tokens in
            tokens.map { token in
                Span(
                    trusted: token.text, style: theme.style(for: token.kind),
                    width: DisplayWidth.of(token.text))
            }
        }
        guard width >= 5 else {
            return codeLines.flatMap { Wrapper.breakLine(StyledLine($0), width: width) }
        }
        let longest = codeLines.map { $0.reduce(0) { $0 + $1.width } }.max() ?? 0
        let labelWidth = DisplayWidth.of(label)
        let showLabel = !label.isEmpty && labelWidth + 2 <= width - 4
        let inner = min(width - 4, max(longest, showLabel ? labelWidth + 2 : 1))

        let frame = theme.frame
        var lines: [StyledLine] = []
        var top = StyledLine([Span(trusted: "┌─", style: frame, width: 2)])
        if showLabel {
            top.append(Span(trusted: " ", style: frame, width: 1))
            top.append(Span(trusted: label, style: theme.frameLabel, width: labelWidth))
            top.append(Span(trusted: " ", style: frame, width: 1))
        }
        let topFill = inner + 4 - 3 - (showLabel ? labelWidth + 2 : 0)
        top.append(Span(trusted: String(repeating: "─", count: topFill) + "┐", style: frame, width: topFill + 1))
        lines.append(top)

        let left = Span(trusted: "│ ", style: frame, width: 2)
        let right = Span(trusted: " │", style: frame, width: 2)
        let continuation = Span(trusted: "↪ ", style: theme.continuation, width: 2)
        for spans in codeLines {
            let rows = Wrapper.breakSpans(spans, firstWidth: inner, restWidth: max(1, inner - 2))
            for (index, row) in rows.enumerated() {
                var line = StyledLine([left])
                var used = 0
                if index > 0 && inner > 2 {
                    line.spans.append(continuation)
                    used += 2
                }
                line.spans.append(contentsOf: row)
                used += row.reduce(0) { $0 + $1.width }
                if used < inner {
                    line.spans.append(
                        Span(trusted: String(repeating: " ", count: inner - used), style: .plain, width: inner - used))
                }
                line.spans.append(right)
                lines.append(line)
            }
        }
        lines.append(
            StyledLine([
                Span(
                    trusted: "└" + String(repeating: "─", count: inner + 2) + "┘", style: frame,
                    width: inner + 4)
            ]))
        return lines
    }

    // MARK: Inlines

    func inlines(in parent: OpaquePointer, style: Style, depth: Int) -> [InlinePiece] {
        var pieces: [InlinePiece] = []
        var child = cmark_node_first_child(parent)
        while let node = child {
            inline(node, style: style, depth: depth, into: &pieces)
            child = cmark_node_next(node)
        }
        return pieces
    }

    private func inline(_ node: OpaquePointer, style: Style, depth: Int, into pieces: inout [InlinePiece]) {
        if depth > CardRenderer.maximumNesting * 4 {
            pieces.append(.text(plainText(of: node), style))
            return
        }
        switch cmark_node_get_type(node) {
        case CMARK_NODE_TEXT:
            pieces.append(.text(literal(node), style))
        case CMARK_NODE_SOFTBREAK:
            pieces.append(.text(" ", style))
        case CMARK_NODE_LINEBREAK:
            pieces.append(.lineBreak)
        case CMARK_NODE_CODE:
            let code = literal(node)
            pieces.append(.text(colors ? code : "`" + code + "`", style.merging(theme.code)))
        case CMARK_NODE_HTML_INLINE:
            pieces.append(.text(literal(node), style.merging(theme.rawHTML)))
        case CMARK_NODE_EMPH:
            pieces += inlines(in: node, style: style.merging(theme.emphasis), depth: depth + 1)
        case CMARK_NODE_STRONG:
            pieces += inlines(in: node, style: style.merging(theme.strong), depth: depth + 1)
        case CMARK_NODE_LINK:
            let text = inlines(in: node, style: style.merging(theme.link), depth: depth + 1)
            pieces += text
            let url = safe(string(cmark_node_get_url(node)))
            let shown = plainText(of: node)
            if !url.isEmpty && url != shown && url != "mailto:" + shown {
                pieces.append(.text(" (" + url + ")", style.merging(theme.url)))
            }
        case CMARK_NODE_IMAGE:
            let alt = plainText(of: node)
            let url = safe(string(cmark_node_get_url(node)))
            // The name first: it is what `recall show` and the media folder call the file.
            pieces.append(.text("[image: " + (url.isEmpty ? alt : url) + "]", style.merging(theme.url)))
            if !alt.isEmpty && !url.isEmpty && alt != url {
                pieces.append(.text(" " + alt, style.merging(theme.url)))
            }
        default:
            pieces += inlines(in: node, style: style, depth: depth + 1)
        }
    }

    // MARK: Images

    /// The URLs of the images under `node`, in document order.
    func imageNames(in node: OpaquePointer) -> [String] {
        guard let iterator = cmark_iter_new(node) else { return [] }
        defer { cmark_iter_free(iterator) }
        var names: [String] = []
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                let current = cmark_iter_get_node(iterator),
                cmark_node_get_type(current) == CMARK_NODE_IMAGE
            else { continue }
            let url = safe(string(cmark_node_get_url(current)))
            if !url.isEmpty { names.append(url) }
        }
        return names
    }

    /// Whether `node` is a paragraph of images and the spaces or line breaks between them.
    func holdsOnlyImages(_ node: OpaquePointer) -> Bool {
        guard cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH else { return false }
        var sawImage = false
        var child = cmark_node_first_child(node)
        while let current = child {
            switch cmark_node_get_type(current) {
            case CMARK_NODE_IMAGE where !string(cmark_node_get_url(current)).isEmpty:
                sawImage = true
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                break
            case CMARK_NODE_TEXT where literal(current).allSatisfy(\.isWhitespace):
                break
            default:
                return false
            }
            child = cmark_node_next(current)
        }
        return sawImage
    }

    // MARK: Strings from cmark

    /// All text under `node`, flattened without recursion (cmark's iterator keeps its own
    /// stack), for alt text, link comparison and over-deep nesting.
    func plainText(of node: OpaquePointer) -> String {
        guard let iterator = cmark_iter_new(node) else { return "" }
        defer { cmark_iter_free(iterator) }
        var text = ""
        while cmark_iter_next(iterator) != CMARK_EVENT_DONE {
            guard cmark_iter_get_event_type(iterator) == CMARK_EVENT_ENTER,
                let current = cmark_iter_get_node(iterator)
            else { continue }
            switch cmark_node_get_type(current) {
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                text += " "
            default:
                if let pointer = cmark_node_get_literal(current) {
                    text += String(cString: pointer)
                }
            }
        }
        return safe(text)
    }

    func literal(_ node: OpaquePointer, keepNewlines: Bool = false) -> String {
        let raw = string(cmark_node_get_literal(node))
        return Sanitizer.sanitize(raw, keepNewlines: keepNewlines)
    }

    func safe(_ text: String) -> String {
        Sanitizer.sanitize(text, keepNewlines: false)
    }

    func string(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer)
    }
}
