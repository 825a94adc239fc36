/// Builds whole frames for the full-screen review: content rows and a status bar.
///
/// A frame is one string written with one `write`, so the terminal never shows a half-drawn
/// card. It homes the cursor and redraws every row, erasing each row just before writing it,
/// instead of clearing the whole screen first, which would flash on slow terminals. The
/// erase comes first because after a full-width line the cursor sits on the last column,
/// and an erase there would wipe the line's last character. The frame is wrapped in
/// synchronized-output mode (`?2026`), which terminals that lack it ignore.
public struct Screen: Sendable, Equatable {
    public var size: TerminalSize
    public var colors: Bool
    public var theme: Theme

    public init(size: TerminalSize, colors: Bool, theme: Theme = .standard) {
        self.size = size
        self.colors = colors
        self.theme = theme
    }

    /// Rows available for content: all but the status bar.
    public var contentHeight: Int { max(0, size.rows - 1) }

    /// A frame showing `lines` (already rendered for `size.columns`, e.g. by
    /// `CardRenderer.render`) from the top, extra lines dropped, and `status` on the last
    /// row. `status` is untrusted-safe: it is sanitized to one line, cut to the width and,
    /// with colours, drawn in reverse video across the whole row.
    ///
    /// `overlay` (pictures in a graphics protocol, already positioned) is written after the rows,
    /// so that erasing a row never wipes a picture drawn over it; `prefix` right after the home
    /// sequence (deleting the previous frame's kitty pictures).
    public func frame<Lines: Collection<String>>(lines: Lines, status: String, prefix: String = "", overlay: String = "")
        -> String
    {
        var output = "\u{1B}[?2026h\u{1B}[H" + prefix
        var row = 0
        var iterator = lines.makeIterator()
        while row < contentHeight {
            output += "\u{1B}[K"
            if let line = iterator.next() { output += line }
            output += "\r\n"
            row += 1
        }
        if size.rows > 0 {
            output += statusBar(status)
        }
        output += overlay
        output += "\u{1B}[?2026l"
        return output
    }

    /// The status bar row, padded or cut to exactly the screen width.
    public func statusBar(_ status: String) -> String {
        let line = StyledLine(status, style: theme.statusBar)
        let cut = Wrapper.breakLine(line, width: max(1, size.columns)).first ?? StyledLine()
        let padding = max(0, size.columns - cut.width)
        var padded = cut
        padded.append(Span(String(repeating: " ", count: padding), style: theme.statusBar))
        let writer = ANSIWriter(colors: colors)
        return "\u{1B}[K" + writer.string(for: padded)
    }
}

/// Which rows of a card taller than the screen are visible.
///
/// The offset is kept within `0...maximumOffset`, so scrolling past either end stops
/// there, and shrinking the window (or the content, after a resize rewraps it) pulls the
/// view back into range.
public struct Viewport: Sendable, Equatable {
    public private(set) var offset: Int
    public private(set) var contentHeight: Int
    public private(set) var visibleHeight: Int

    public init(contentHeight: Int, visibleHeight: Int, offset: Int = 0) {
        self.contentHeight = max(0, contentHeight)
        self.visibleHeight = max(0, visibleHeight)
        self.offset = 0
        self.offset = clamp(offset)
    }

    public var maximumOffset: Int { max(0, contentHeight - visibleHeight) }
    public var canScrollUp: Bool { offset > 0 }
    public var canScrollDown: Bool { offset < maximumOffset }
    /// The indices of the visible rows.
    public var visibleRange: Range<Int> { offset..<min(contentHeight, offset + visibleHeight) }

    public mutating func scroll(by rows: Int) {
        offset = clamp(offset + rows)
    }

    /// Scrolls by a page, keeping one row of the previous page for context.
    public mutating func page(down: Bool) {
        let step = max(1, visibleHeight - 1)
        scroll(by: down ? step : -step)
    }

    public mutating func scrollToTop() { offset = 0 }
    public mutating func scrollToBottom() { offset = maximumOffset }

    /// After a resize: new sizes, same offset as far as it still fits.
    public mutating func resize(contentHeight: Int, visibleHeight: Int) {
        self.contentHeight = max(0, contentHeight)
        self.visibleHeight = max(0, visibleHeight)
        offset = clamp(offset)
    }

    /// The visible part of `lines`.
    public func visible<Element>(_ lines: [Element]) -> ArraySlice<Element> {
        let range = visibleRange.clamped(to: lines.indices)
        return lines[range]
    }

    private func clamp(_ value: Int) -> Int {
        min(max(0, value), maximumOffset)
    }
}
