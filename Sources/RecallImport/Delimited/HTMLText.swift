/// Anki fields are HTML. With `#html:true` they become the Markdown text recall stores:
/// `<br>` and blocks become line breaks, `<b>`/`<strong>` `**`, `<i>`/`<em>` `*`, `<code>`
/// backticks, `<pre>` a fence, `<li>` a list item, links and images Markdown links;
/// entities are decoded and other tags dropped.
enum HTMLText {
    /// Whether `text` has a `<` or `&` at all: most fields have neither and are kept as they are.
    /// Scans the contiguous UTF-8 bytes (a plain loop over `String.UTF8View` is several times slower).
    static func mayContainMarkup(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in bytes.contains { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") } }
    }

    static func markdown(_ html: String) -> String {
        guard mayContainMarkup(html) else { return html }
        var out = ""
        var links: [String] = []
        let chars = Array(html.unicodeScalars)
        var i = 0
        func newline() {
            if !out.isEmpty, !out.hasSuffix("\n") { out += "\n" }
        }
        while i < chars.count {
            let c = chars[i]
            if c == "<", i + 1 < chars.count,
               chars[i + 1] == "/" || chars[i + 1] == "!" || chars[i + 1].properties.isAlphabetic {
                guard let end = chars[i...].firstIndex(of: ">") else {
                    out.unicodeScalars.append(c)
                    i += 1
                    continue
                }
                let tag = String(String.UnicodeScalarView(chars[(i + 1)..<end]))
                i = end + 1
                let closing = tag.hasPrefix("/")
                let body = closing ? tag.dropFirst() : Substring(tag)
                let name = body.prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
                switch name {
                case "br": out += "\n"
                case "div", "p", "tr", "ul", "ol", "blockquote", "table":
                    newline()
                    if closing, name == "p" { out += "\n" }
                case "h1", "h2", "h3", "h4", "h5", "h6":
                    if !closing { newline() }
                    out += "**"
                    if closing { out += "\n" }
                case "b", "strong": out += "**"
                case "i", "em": out += "*"
                case "code", "kbd", "tt": out += "`"
                case "pre":
                    newline()
                    out += closing ? "```\n" : "```\n"
                case "li":
                    if !closing {
                        newline()
                        out += "- "
                    }
                case "td", "th":
                    if closing { out += " " }
                case "a":
                    if closing {
                        let href = links.popLast() ?? ""
                        out += href.isEmpty ? "" : "](\(href))"
                    } else {
                        let href = attribute("href", in: body) ?? ""
                        links.append(href)
                        if !href.isEmpty { out += "[" }
                    }
                case "img":
                    if let src = attribute("src", in: body) { out += "![](\(src))" }
                default:
                    break
                }
                continue
            }
            if c == "&", let (decoded, length) = entity(chars, at: i) {
                out += decoded
                i += length
                continue
            }
            out.unicodeScalars.append(c)
            i += 1
        }
        while out.containsBytes("\n\n\n") { out = out.replacingAll("\n\n\n", with: "\n\n") }
        return out.trimmed
    }

    private static func attribute(_ name: String, in tag: Substring) -> String? {
        let lower = tag.lowercased()
        guard let r = lower.firstRange(of: name + "=") else { return nil }
        let offset = lower.distance(from: lower.startIndex, to: r.upperBound)
        var rest = tag.dropFirst(offset)
        if let quote = rest.first, quote == "\"" || quote == "'" {
            rest = rest.dropFirst()
            return String(rest.prefix(while: { $0 != quote }))
        }
        return String(rest.prefix(while: { $0 != " " && $0 != ">" }))
    }

    static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "ndash": "–", "mdash": "—",
        "hellip": "…", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”", "copy": "©", "reg": "®",
        "trade": "™", "deg": "°", "times": "×", "divide": "÷", "middot": "·", "bull": "•", "laquo": "«",
        "raquo": "»", "euro": "€", "pound": "£", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓",
        "le": "≤", "ge": "≥", "ne": "≠", "plusmn": "±", "shy": "",
    ]

    private static func entity(_ chars: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        var j = start + 1
        var body = ""
        while j < chars.count, j - start <= 10, chars[j] != ";" {
            body.unicodeScalars.append(chars[j])
            j += 1
        }
        guard j < chars.count, chars[j] == ";", !body.isEmpty else { return nil }
        let length = j - start + 1
        if body.hasPrefix("#") {
            let digits = body.dropFirst()
            let value = digits.hasPrefix("x") || digits.hasPrefix("X")
                ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
            guard let v = value, let scalar = Unicode.Scalar(v) else { return nil }
            return (String(Character(scalar)), length)
        }
        guard let decoded = named[body] ?? named[body.lowercased()] else { return nil }
        return (decoded, length)
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = self[...]
        while let r = rest.firstRange(of: target) {
            result += rest[..<r.lowerBound]
            result += replacement
            rest = rest[r.upperBound...]
        }
        result += rest
        return result
    }
}
