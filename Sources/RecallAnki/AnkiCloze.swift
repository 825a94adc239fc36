/// Anki's cloze deletions (`{{c1::text}}`, `{{c2::text::hint}}`, `{{c1,2::shared}}`, nested
/// `{{c1::a {{c2::b}}}}`), parsed and revealed as rslib/src/cloze.rs does, so that a cloze card's
/// HTML is the HTML Anki shows, spans and all.
enum AnkiCloze {
    /// A deletion: the numbers it belongs to, its content (text and nested deletions) and hint.
    struct Deletion: Equatable {
        var ordinals: [Int]
        var nodes: [Node]
        var hint: String?

        /// The deletion's text with every nested deletion shown.
        var clozedText: String {
            nodes.map { node in
                switch node {
                case .text(let text): return text
                case .deletion(let inner): return inner.clozedText
                }
            }.joined()
        }

        /// Image occlusion shapes are clozes whose text starts with `image-occlusion:`.
        var isImageOcclusion: Bool {
            if case .text(let text)? = nodes.first { return text.hasPrefix("image-occlusion:") }
            return false
        }
    }

    indirect enum Node: Equatable {
        case text(String)
        case deletion(Deletion)
    }

    /// Anki stops opening deletions this deep; the surplus openers vanish from the text.
    static let maximumNesting = 10

    // MARK: Parsing

    private enum Token {
        case open([Int])
        case close
        case text(String)
    }

    private static func tokens(_ text: String) -> [Token] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [Token] = []
        var textStart = 0
        var index = 0
        func flushText(upTo end: Int) {
            if end > textStart { tokens.append(.text(string(scalars, textStart, end))) }
        }
        while index < scalars.count {
            if let (ordinals, after) = opener(scalars, at: index) {
                flushText(upTo: index)
                tokens.append(.open(ordinals))
                index = after
                textStart = index
            } else if scalars[index] == "}", index + 1 < scalars.count, scalars[index + 1] == "}" {
                flushText(upTo: index)
                tokens.append(.close)
                index += 2
                textStart = index
            } else {
                index += 1
            }
        }
        flushText(upTo: scalars.count)
        return tokens
    }

    /// `{{c` + numbers and commas + `::`, with at least one number that parses.
    private static func opener(_ s: [Unicode.Scalar], at index: Int) -> ([Int], Int)? {
        guard index + 3 <= s.count, s[index] == "{", s[index + 1] == "{", s[index + 2] == "c" else { return nil }
        var end = index + 3
        while end < s.count, s[end] == "," || ("0"..."9").contains(s[end]) { end += 1 }
        guard end + 2 <= s.count, s[end] == ":", s[end + 1] == ":" else { return nil }
        let numbers = string(s, index + 3, end).split(separator: ",").compactMap { UInt16($0) }.map(Int.init)
        let ordinals = Set(numbers).sorted()
        guard !ordinals.isEmpty else { return nil }
        return (ordinals, end + 2)
    }

    static func parse(_ text: String) -> [Node] {
        var open: [Deletion] = []
        var output: [Node] = []
        for token in tokens(text) {
            switch token {
            case .open(let ordinals):
                if open.count < maximumNesting { open.append(Deletion(ordinals: ordinals, nodes: [], hint: nil)) }
            case .text(var text):
                if let last = open.indices.last {
                    if !text.hasPrefix("image-occlusion:"), let range = text.range(of: "::") {
                        open[last].hint = String(text[range.upperBound...])
                        text = String(text[..<range.lowerBound])
                    }
                    open[last].nodes.append(.text(text))
                } else {
                    output.append(.text(text))
                }
            case .close:
                if let deletion = open.popLast() {
                    if let last = open.indices.last {
                        open[last].nodes.append(.deletion(deletion))
                    } else {
                        output.append(.deletion(deletion))
                    }
                } else {
                    output.append(.text("}}"))
                }
            }
        }
        // Deletions never closed are dropped with their content, as Anki drops them.
        return output
    }

    // MARK: Cloze numbers

    /// The cloze numbers (1-based, 0 excluded) that `fields` hold: one card each.
    static func numbers<S: Sequence>(in fields: S) -> Set<Int> where S.Element == String {
        var set = Set<Int>()
        func collect(_ nodes: [Node]) {
            for case .deletion(let deletion) in nodes {
                for ordinal in deletion.ordinals where ordinal != 0 { set.insert(ordinal) }
                collect(deletion.nodes)
            }
        }
        for field in fields { collect(parse(field)) }
        return set
    }

    // MARK: Revealing

    /// The field as card `number` shows it: on the question side the deletions of that number
    /// are `[...]` (or `[hint]`), on the answer side they are shown highlighted; others are
    /// shown as they are. Empty when the field has no deletion of that number.
    static func reveal(_ text: String, number: Int, question: Bool) -> String {
        var output = ""
        var found = false
        for node in parse(text) {
            switch node {
            case .text(let text): output += text
            case .deletion(let deletion): reveal(deletion, number, question, &found, into: &output)
            }
        }
        return found ? output : ""
    }

    private static func reveal(
        _ deletion: Deletion, _ number: Int, _ question: Bool, _ found: inout Bool, into output: inout String
    ) {
        let active = deletion.ordinals.contains(number)
        found = found || active
        let ordinals = deletion.ordinals.map(String.init).joined(separator: ",")
        if deletion.isImageOcclusion {
            // The shapes only mean something drawn over the picture, which recall does not do.
            return
        }
        func inner(into buffer: inout String) {
            for node in deletion.nodes {
                switch node {
                case .text(let text): buffer += text
                case .deletion(let nested): reveal(nested, number, question, &found, into: &buffer)
                }
            }
        }
        switch (question, active) {
        case (true, true):
            var content = ""
            inner(into: &content)
            output += "<span class=\"cloze\" data-cloze=\"\(encodeAttribute(content))\" data-ordinal=\"\(ordinals)\">"
            output += "[\(deletion.hint ?? "...")]</span>"
        case (false, true):
            output += "<span class=\"cloze\" data-ordinal=\"\(ordinals)\">"
            inner(into: &output)
            output += "</span>"
        case (_, false):
            output += "<span class=\"cloze-inactive\" data-ordinal=\"\(ordinals)\">"
            inner(into: &output)
            output += "</span>"
        }
    }

    /// `{{cloze-only:Field}}`: only the deletions of card `number` (hints on the question side),
    /// joined by ", ".
    static func revealOnly(_ text: String, number: Int, question: Bool) -> String {
        var parts: [String] = []
        func walk(_ node: Node) {
            guard case .deletion(let deletion) = node else { return }
            if deletion.ordinals.contains(number) {
                parts.append(question ? (deletion.hint ?? "...") : deletion.clozedText)
            }
            deletion.nodes.forEach(walk)
        }
        parse(text).forEach(walk)
        return parts.joined(separator: ", ")
    }

    /// The answer a `{{type:cloze:Field}}` expects: the text of card `number`'s deletions,
    /// once when they are all the same.
    static func typedAnswer(_ text: String, number: Int) -> String {
        var parts: [String] = []
        func walk(_ node: Node) {
            guard case .deletion(let deletion) = node else { return }
            if deletion.ordinals.contains(number) { parts.append(deletion.clozedText) }
            deletion.nodes.forEach(walk)
        }
        parse(text).forEach(walk)
        if let first = parts.first, parts.allSatisfy({ $0 == first }) { return first }
        return parts.joined(separator: ", ")
    }

    // MARK: Helpers

    /// An attribute value as Anki's `htmlescape::encode_attribute` writes it: ASCII letters and
    /// digits and characters above U+00FF as they are, `"&'<>` as entities, the rest as `&#xHH;`.
    static func encodeAttribute(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "&quot;"
            case "&": out += "&amp;"
            case "'": out += "&#x27;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default:
                let value = scalar.value
                let alphanumeric = ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                if value < 256 && !alphanumeric {
                    let hex = String(value, radix: 16, uppercase: true)
                    out += "&#x" + (hex.count < 2 ? "0" + hex : hex) + ";"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static func string(_ scalars: [Unicode.Scalar], _ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[from..<to])
        return String(view)
    }
}
