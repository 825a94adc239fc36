/// A terminal colour. The 16 basic colours follow the user's terminal theme, so they are
/// what recall uses by default; `palette` reaches the 256-colour table.
public enum Color: Sendable, Hashable {
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow
    case brightBlue, brightMagenta, brightCyan, brightWhite
    case palette(UInt8)

    /// SGR parameters selecting this colour as the foreground (`background` adds 10).
    func sgr(background: Bool) -> String {
        let offset = background ? 10 : 0
        switch self {
        case .black: return String(30 + offset)
        case .red: return String(31 + offset)
        case .green: return String(32 + offset)
        case .yellow: return String(33 + offset)
        case .blue: return String(34 + offset)
        case .magenta: return String(35 + offset)
        case .cyan: return String(36 + offset)
        case .white: return String(37 + offset)
        case .brightBlack: return String(90 + offset)
        case .brightRed: return String(91 + offset)
        case .brightGreen: return String(92 + offset)
        case .brightYellow: return String(93 + offset)
        case .brightBlue: return String(94 + offset)
        case .brightMagenta: return String(95 + offset)
        case .brightCyan: return String(96 + offset)
        case .brightWhite: return String(97 + offset)
        case .palette(let index): return (background ? "48;5;" : "38;5;") + String(index)
        }
    }
}

/// How a run of text looks: the SGR attributes a terminal supports everywhere.
public struct Style: Sendable, Hashable {
    public var bold: Bool
    public var dim: Bool
    public var italic: Bool
    public var underline: Bool
    public var inverse: Bool
    public var foreground: Color?
    public var background: Color?

    public init(
        bold: Bool = false, dim: Bool = false, italic: Bool = false,
        underline: Bool = false, inverse: Bool = false,
        foreground: Color? = nil, background: Color? = nil
    ) {
        self.bold = bold
        self.dim = dim
        self.italic = italic
        self.underline = underline
        self.inverse = inverse
        self.foreground = foreground
        self.background = background
    }

    public static let plain = Style()

    /// `other` drawn inside `self`: attributes add up, the inner colour wins. This is how
    /// `**bold *and italic***` and a link inside a heading get both looks.
    public func merging(_ other: Style) -> Style {
        Style(
            bold: bold || other.bold, dim: dim || other.dim, italic: italic || other.italic,
            underline: underline || other.underline, inverse: inverse || other.inverse,
            foreground: other.foreground ?? foreground, background: other.background ?? background)
    }

    /// The SGR sequence that turns this style on from a reset state; empty for `.plain`.
    var sgr: String {
        var parameters: [String] = []
        if bold { parameters.append("1") }
        if dim { parameters.append("2") }
        if italic { parameters.append("3") }
        if underline { parameters.append("4") }
        if inverse { parameters.append("7") }
        if let foreground { parameters.append(foreground.sgr(background: false)) }
        if let background { parameters.append(background.sgr(background: true)) }
        if parameters.isEmpty { return "" }
        return "\u{1B}[" + parameters.joined(separator: ";") + "m"
    }
}

/// A run of text in one style.
///
/// The text is sanitized on the way in (a no-op scan for text that is already safe), so a
/// span can never carry a control character to the terminal whatever code built it.
/// A span holds no newline: lines are separate `StyledLine`s.
public struct Span: Sendable, Equatable {
    public let text: String
    public let style: Style
    /// Display columns of `text`, computed once because wrapping asks for it repeatedly.
    public let width: Int

    public init(_ text: String, style: Style = .plain) {
        let safe = Sanitizer.sanitize(text, keepNewlines: false)
        self.text = safe
        self.style = style
        self.width = DisplayWidth.of(safe)
    }

    /// For text the caller has just sanitized and measured itself.
    init(trusted text: String, style: Style, width: Int) {
        self.text = text
        self.style = style
        self.width = width
    }
}

/// One terminal row of spans.
public struct StyledLine: Sendable, Equatable {
    public var spans: [Span]

    public init(_ spans: [Span] = []) {
        self.spans = spans
    }

    public init(_ text: String, style: Style = .plain) {
        self.spans = text.isEmpty ? [] : [Span(text, style: style)]
    }

    /// Display columns of the whole line.
    public var width: Int { spans.reduce(0) { $0 + $1.width } }

    /// The characters without styling, as a user would copy them.
    public var plainText: String { spans.map(\.text).joined() }

    public mutating func append(_ span: Span) {
        if span.text.isEmpty { return }
        spans.append(span)
    }

    public mutating func append(contentsOf line: StyledLine) {
        spans.append(contentsOf: line.spans)
    }
}

/// Lines of styled text: what the card renderer produces and the screen draws.
public struct StyledText: Sendable, Equatable {
    public var lines: [StyledLine]

    public init(_ lines: [StyledLine] = []) {
        self.lines = lines
    }

    /// Terminal strings, one per row, none wider than `width` columns (longer lines are
    /// broken between characters). With `colors` the strings carry SGR sequences and
    /// nothing else; without, they are plain text with no escape at all.
    public func render(width: Int, colors: Bool) -> [String] {
        let writer = ANSIWriter(colors: colors)
        var output: [String] = []
        output.reserveCapacity(lines.count)
        for line in lines {
            if line.width <= width {
                output.append(writer.string(for: line))
            } else {
                for piece in Wrapper.breakLine(line, width: width) {
                    output.append(writer.string(for: piece))
                }
            }
        }
        return output
    }
}

/// Writes styled lines as terminal strings.
///
/// Every line starts from the default style and ends reset, so any subset of lines can be
/// drawn (scrolling) without a style bleeding into the next row or the status bar. The only
/// escape sequence it emits is SGR (`ESC [ … m`).
public struct ANSIWriter: Sendable {
    public var colors: Bool

    public init(colors: Bool) {
        self.colors = colors
    }

    public static let reset = "\u{1B}[0m"

    public func string(for line: StyledLine) -> String {
        guard colors else {
            if line.spans.count == 1 { return line.spans[0].text }
            return line.plainText
        }
        var output = ""
        var current = Style.plain
        for span in line.spans {
            if span.style != current {
                if current != .plain { output += Self.reset }
                output += span.style.sgr
                current = span.style
            }
            output += span.text
        }
        if current != .plain { output += Self.reset }
        return output
    }
}
