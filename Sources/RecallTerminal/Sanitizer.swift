/// Turns untrusted text (a card's front or back, a deck name) into text that is safe to
/// send to a terminal.
///
/// DESIGN.md invariant 6: card content never reaches the terminal with control
/// characters in it. A terminal acts on ESC, CSI (U+009B) and the other C0/C1 controls
/// (retitling the window, clearing the screen, moving the cursor, writing to the
/// clipboard), and bidirectional overrides make text read differently from what it is.
/// Each such character becomes a visible placeholder instead of being dropped, so a
/// tampered card looks tampered:
///
/// - C0 controls and DEL become their Control Pictures (`␛` for ESC, `␇` for BEL, `␡`).
/// - C1 controls, bidi overrides and isolates, and other invisible format characters
///   become `<U+202E>`-style names.
/// - A tab becomes spaces up to the next multiple of `tabWidth` columns in its line,
///   which matches CommonMark's tab stops.
/// - CRLF becomes LF; a lone CR becomes `␍` (it would move the cursor to column 0).
///
/// The output never contains a scalar below U+0020 other than "\n", nor DEL, nor C1.
/// Sanitizing is idempotent, so layers may sanitize again without harm.
public enum Sanitizer {
    /// The tab stop interval, in columns; CommonMark also uses 4.
    public static let defaultTabWidth = 4

    /// Returns `text` with every unsafe scalar replaced by a visible placeholder.
    ///
    /// - Parameters:
    ///   - keepNewlines: when false, "\n" also becomes a placeholder (`␤`), for places
    ///     that must stay on one line such as the status bar.
    ///   - startColumn: the column the text starts at, so tabs inside a span that
    ///     continues a line expand to the right stops.
    public static func sanitize(
        _ text: String,
        keepNewlines: Bool = true,
        tabWidth: Int = defaultTabWidth,
        startColumn: Int = 0
    ) -> String {
        if isSafe(text, keepNewlines: keepNewlines) { return text }
        let tabWidth = max(1, tabWidth)
        var output = String.UnicodeScalarView()
        var column = startColumn
        var pendingCR = false
        for scalar in text.unicodeScalars {
            if pendingCR {
                pendingCR = false
                if scalar != "\n" { append("\u{240D}", to: &output, column: &column) }
            }
            switch scalar {
            case "\n":
                if keepNewlines {
                    output.append(scalar)
                    column = 0
                } else {
                    append("\u{2424}", to: &output, column: &column)
                }
            case "\r":
                pendingCR = true
            case "\t":
                let spaces = tabWidth - column % tabWidth
                output.append(contentsOf: repeatElement(" ", count: spaces))
                column += spaces
            default:
                if let placeholder = placeholder(for: scalar) {
                    append(placeholder, to: &output, column: &column)
                } else {
                    output.append(scalar)
                    column += DisplayWidth.of(scalar)
                }
            }
        }
        if pendingCR { append("\u{240D}", to: &output, column: &column) }
        return String(output)
    }

    /// The placeholder shown instead of `scalar`, or nil when the scalar is safe to print.
    /// Tab, newline and carriage return are not handled here; `sanitize` treats them in
    /// the context of their line.
    public static func placeholder(for scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        switch value {
        case 0x00...0x1F:
            // U+2400 + code is the Control Picture: ␀ … ␟, ␛ for ESC.
            return String(Character(Unicode.Scalar(0x2400 + value) ?? "?"))
        case 0x7F:
            return "\u{2421}"
        case 0x20...0x7E:
            return nil
        case 0x80...0x9F:
            return named(value)
        default:
            return isSpoofingFormat(value) ? named(value) : nil
        }
    }

    /// True when `sanitize` would return `text` unchanged; a fast scan for the common case.
    public static func isSafe(_ text: String, keepNewlines: Bool = true) -> Bool {
        var allASCII = true
        for byte in text.utf8 {
            if byte >= 0x80 {
                allASCII = false
            } else if byte < 0x20 || byte == 0x7F {
                if byte != 0x0A || !keepNewlines { return false }
            }
        }
        if allASCII { return true }
        for scalar in text.unicodeScalars where scalar.value >= 0x80 {
            if placeholder(for: scalar) != nil { return false }
        }
        return true
    }

    /// Format characters (general category Cf and the like) that are invisible yet change
    /// how text reads or where the cursor goes: bidi embeddings, overrides, isolates and
    /// marks, line/paragraph separators, invisible operators, the BOM, interlinear
    /// annotations, and tag characters. ZWJ and ZWNJ stay: emoji sequences and Persian
    /// or Indic text need them, and neither can reorder text.
    static func isSpoofingFormat(_ value: UInt32) -> Bool {
        switch value {
        case 0x00AD,  // soft hyphen: invisible, width differs between terminals
            0x061C,  // Arabic letter mark
            0x115F, 0x1160,  // Hangul fillers: blank but not space
            0x180E,  // Mongolian vowel separator
            0x200B,  // zero width space
            0x200E, 0x200F,  // LRM, RLM
            0x2028, 0x2029,  // line and paragraph separators
            0x202A...0x202E,  // LRE, RLE, PDF, LRO, RLO
            0x2060...0x206F,  // word joiner, invisible operators, LRI/RLI/FSI/PDI, deprecated
            0x3164,  // Hangul filler
            0xFEFF,  // BOM / zero width no-break space
            0xFFA0,  // halfwidth Hangul filler
            0xFFF9...0xFFFB,  // interlinear annotation
            0x1D173...0x1D17A,  // musical formatting
            0xE0000...0xE007F:  // tags
            return true
        default:
            return false
        }
    }

    private static func named(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }

    private static func append(
        _ placeholder: String, to output: inout String.UnicodeScalarView, column: inout Int
    ) {
        output.append(contentsOf: placeholder.unicodeScalars)
        column += DisplayWidth.of(placeholder)
    }
}
