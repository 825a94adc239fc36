/// Inline content on its way to being wrapped: styled text, or a forced line break
/// (a Markdown hard break).
enum InlinePiece: Sendable, Equatable {
    case text(String, Style)
    case lineBreak
}

/// Line breaking in display columns.
enum Wrapper {
    /// Fills lines greedily at word boundaries (spaces), the way a reader expects prose
    /// to wrap. Runs of spaces collapse to one and vanish at line ends. A word wider than
    /// `width` (a URL, a run of CJK text without spaces) is broken between characters so
    /// that no line is ever wider than `width`.
    static func wrap(_ pieces: [InlinePiece], width: Int) -> [StyledLine] {
        var state = WrapState(width: max(1, width))
        for piece in pieces {
            switch piece {
            case .lineBreak:
                state.flushWord()
                state.newLine()
                state.pendingSpace = nil
            case .text(let text, let style):
                var first = true
                for part in text.split(separator: " ", omittingEmptySubsequences: false) {
                    if !first {
                        state.flushWord()
                        state.pendingSpace = style
                    }
                    first = false
                    if !part.isEmpty {
                        let partText = String(part)
                        state.word.append(
                            Span(trusted: partText, style: style, width: DisplayWidth.of(partText)))
                    }
                }
            }
        }
        state.flushWord()
        if !state.line.spans.isEmpty || state.lines.isEmpty {
            state.lines.append(state.line)
        }
        return state.lines
    }

    /// Breaks one line between grapheme clusters into lines of at most `width` columns.
    static func breakLine(_ line: StyledLine, width: Int) -> [StyledLine] {
        breakSpans(line.spans, firstWidth: width, restWidth: width).map { StyledLine($0) }
    }

    /// Breaks spans between grapheme clusters: the first line gets `firstWidth` columns,
    /// later ones `restWidth` (a code frame keeps two columns for its continuation sign).
    /// A single character wider than the limit gets a line of its own rather than looping.
    static func breakSpans(_ spans: [Span], firstWidth: Int, restWidth: Int) -> [[Span]] {
        var lines: [[Span]] = []
        var current: [Span] = []
        var used = 0
        var limit = max(1, firstWidth)
        func finishLine() {
            lines.append(current)
            current = []
            used = 0
            limit = max(1, restWidth)
        }
        for span in spans {
            if used + span.width <= limit {
                current.append(span)
                used += span.width
                continue
            }
            var chunk = ""
            var chunkWidth = 0
            for character in span.text {
                let characterWidth = DisplayWidth.of(character)
                if used + chunkWidth + characterWidth > limit && used + chunkWidth > 0 {
                    if !chunk.isEmpty {
                        current.append(Span(trusted: chunk, style: span.style, width: chunkWidth))
                    }
                    finishLine()
                    chunk = ""
                    chunkWidth = 0
                }
                chunk.append(character)
                chunkWidth += characterWidth
            }
            if !chunk.isEmpty {
                current.append(Span(trusted: chunk, style: span.style, width: chunkWidth))
                used += chunkWidth
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}

/// The greedy filler's working state: finished lines, the line being filled, and the word
/// being collected (a word may cross style boundaries, as in `**bold**,`).
private struct WrapState {
    let width: Int
    var lines: [StyledLine] = []
    var line = StyledLine()
    var lineWidth = 0
    var word: [Span] = []
    /// The style of a space seen since the last word, if any: it is only written when
    /// another word follows on the same line.
    var pendingSpace: Style?

    init(width: Int) {
        self.width = width
    }

    mutating func newLine() {
        lines.append(line)
        line = StyledLine()
        lineWidth = 0
    }

    mutating func flushWord() {
        guard !word.isEmpty else { return }
        let wordWidth = word.reduce(0) { $0 + $1.width }
        let space = lineWidth > 0 && pendingSpace != nil ? 1 : 0
        if lineWidth + space + wordWidth > width && lineWidth > 0 {
            newLine()
        } else if space == 1, let style = pendingSpace {
            line.spans.append(Span(trusted: " ", style: style, width: 1))
            lineWidth += 1
        }
        if lineWidth + wordWidth <= width {
            line.spans.append(contentsOf: word)
            lineWidth += wordWidth
        } else {
            let pieces = Wrapper.breakSpans(word, firstWidth: width, restWidth: width)
            for (index, piece) in pieces.enumerated() {
                if index > 0 { newLine() }
                line.spans.append(contentsOf: piece)
                lineWidth = piece.reduce(0) { $0 + $1.width }
            }
        }
        word = []
        pendingSpace = nil
    }
}
