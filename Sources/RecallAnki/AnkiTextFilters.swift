import CLibXML2

/// The text functions Anki's template filters are built on (rslib/src/text.rs,
/// template_filters.rs), reproduced so that `{{text:…}}`, `{{hint:…}}`, `{{furigana:…}}` and
/// friends give the HTML Anki gives. These work on template output, which Anki treats as a
/// string; turning HTML into recall's card text is `AnkiHTML`'s job, with a real parser.
enum AnkiTextFilters {
    // MARK: Empty fields

    /// Anki's test for an empty field: nothing but whitespace and `<br>`/`<div>` tags
    /// (`<br>`, `</div>`, `<br />`, `<div/>`, any case).
    static func fieldIsEmpty(_ text: String) -> Bool {
        // Most fields start with their content: no need to look further.
        if let first = text.utf8.first, first > 0x20, first != UInt8(ascii: "<") { return false }
        let s = Array(text.utf8)
        var i = 0
        while i < s.count {
            switch s[i] {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                i += 1
            case UInt8(ascii: "<"):
                var j = i + 1
                if j < s.count, s[j] == UInt8(ascii: "/") { j += 1 }
                let name: [UInt8]
                if j + 2 <= s.count, lower(s[j]) == UInt8(ascii: "b"), lower(s[j + 1]) == UInt8(ascii: "r") {
                    name = [0x62, 0x72]
                } else if j + 3 <= s.count, lower(s[j]) == UInt8(ascii: "d"), lower(s[j + 1]) == UInt8(ascii: "i"),
                    lower(s[j + 2]) == UInt8(ascii: "v")
                {
                    name = [0x64, 0x69, 0x76]
                } else {
                    return false
                }
                j += name.count
                if j < s.count, s[j] == 0x20 { j += 1 }
                if j < s.count, s[j] == UInt8(ascii: "/") { j += 1 }
                guard j < s.count, s[j] == UInt8(ascii: ">") else { return false }
                i = j + 1
            default:
                return false
            }
        }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte + 32 : byte
    }

    // MARK: Stripping tags

    /// `{{text:…}}`: tags, comments, `<style>` and `<script>` removed, then entities decoded
    /// (when every entity is well formed, as Anki's decoder requires) and `&nbsp;` made a space.
    static func stripHTML(_ html: String) -> String {
        let stripped = stripTags(html)
        guard stripped.contains("&") else { return stripped }
        guard let decoded = decodeEntitiesStrictly(stripped) else { return stripped }
        return String(decoded.unicodeScalars.map { $0 == "\u{A0}" ? " " : $0 }.map(Character.init))
    }

    /// Removes what Anki's tag pattern matches, trying at each position in turn a comment,
    /// a `<style>…</style>`, a `<script>…</script>` and any `<…>`; entities are kept.
    static func stripTags(_ html: String) -> String {
        let s = Array(html.unicodeScalars)
        guard s.contains("<") else { return html }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "<", let end = tagEnd(s, at: i) {
                i = end
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    /// Where the markup starting at `i` (a `<`) ends, or nil when nothing matches there.
    private static func tagEnd(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        if hasPrefix(s, "<!--", at: i), let close = find(s, "-->", from: i + 4) { return close + 3 }
        for element in ["style", "script"] {
            if hasPrefix(s, "<" + element, at: i, caseInsensitive: true),
                let open = find(s, ">", from: i + 1 + element.count),
                let close = find(s, "</" + element + ">", from: open + 1, caseInsensitive: true)
            {
                return close + element.count + 3
            }
        }
        if let close = find(s, ">", from: i + 1) { return close + 1 }
        return nil
    }

    private static func hasPrefix(_ s: [Unicode.Scalar], _ prefix: String, at i: Int, caseInsensitive: Bool = false) -> Bool {
        let p = Array(prefix.unicodeScalars)
        guard i + p.count <= s.count else { return false }
        for k in p.indices {
            let a = s[i + k], b = p[k]
            if a == b { continue }
            if caseInsensitive, a.isASCII, b.isASCII, String(a).lowercased() == String(b).lowercased() { continue }
            return false
        }
        return true
    }

    private static func find(_ s: [Unicode.Scalar], _ pattern: String, from: Int, caseInsensitive: Bool = false) -> Int? {
        var i = from
        let length = pattern.unicodeScalars.count
        while i + length <= s.count {
            if hasPrefix(s, pattern, at: i, caseInsensitive: caseInsensitive) { return i }
            i += 1
        }
        return nil
    }

    // MARK: Entities

    /// Decodes `&name;`, `&#N;` and `&#xH;`, or returns nil when any `&` does not start a
    /// known, terminated entity (Anki then keeps the text as it was).
    static func decodeEntitiesStrictly(_ text: String) -> String? {
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            guard s[i] == "&" else {
                out.append(s[i])
                i += 1
                continue
            }
            guard let semicolon = s[(i + 1)...].firstIndex(of: ";"), semicolon > i + 1 else { return nil }
            let body = AnkiCloze.string(s, i + 1, semicolon)
            guard let decoded = entity(body) else { return nil }
            out.append(contentsOf: decoded.unicodeScalars)
            i = semicolon + 1
        }
        return String(out)
    }

    /// The text of one entity body (`amp`, `#38`, `#x26`), from HTML 4's table as libxml2 has it.
    static func entity(_ body: String) -> String? {
        if body.hasPrefix("#") {
            var digits = body.dropFirst()
            var radix = 10
            if digits.first == "x" || digits.first == "X" {
                digits = digits.dropFirst()
                radix = 16
            }
            guard !digits.isEmpty, let value = UInt32(digits, radix: radix), let scalar = Unicode.Scalar(value) else {
                return nil
            }
            return String(Character(scalar))
        }
        guard let entry = htmlEntityLookup(body), let scalar = Unicode.Scalar(entry.pointee.value) else { return nil }
        return String(Character(scalar))
    }

    // MARK: Hints, typing, speech

    /// `{{hint:Field}}`: a link that reveals the field, with the element id Anki derives from
    /// the text and field name (BLAKE3), so the HTML is byte for byte Anki's.
    static func hint(_ text: String, fieldName: String) -> String {
        if text.trimmingWhitespace().isEmpty { return text }
        let digest = BLAKE3.hash(Array(text.utf8) + Array(fieldName.utf8))
        let id = digest.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
        return """

            <a class=hint href="#"
            onclick="this.style.display='none';
            document.getElementById('hint\(id)').style.display='block';
            return false;" draggable=false>
            \(fieldName)</a>
            <div id="hint\(id)" class=hint style="display: none">\(text)</div>

            """
    }

    static func tts(options: String, text: String) -> String {
        "[anki:tts lang=\(options)]\(text)[/anki:tts]"
    }

    // MARK: Ruby (furigana)

    enum Ruby { case furigana, kanji, kana }

    /// `{{furigana:…}}`, `{{kanji:…}}`, `{{kana:…}}` over `base[reading]` pairs (a space
    /// before the base is dropped; `[sound:…]` is left alone).
    static func ruby(_ text: String, _ kind: Ruby) -> String {
        let s = Array(text.replacingOccurrences(of: "&nbsp;", with: " ").unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var copiedUpTo = 0
        while i < s.count {
            guard let (base, reading, end) = rubyMatch(s, at: i) else {
                i += 1
                continue
            }
            out.append(contentsOf: s[copiedUpTo..<i])
            let whole = AnkiCloze.string(s, i, end)
            if reading.hasPrefix("sound:") {
                out.append(contentsOf: whole.unicodeScalars)
            } else {
                switch kind {
                case .furigana: out.append(contentsOf: "<ruby><rb>\(base)</rb><rt>\(reading)</rt></ruby>".unicodeScalars)
                case .kanji: out.append(contentsOf: base.unicodeScalars)
                case .kana: out.append(contentsOf: reading.unicodeScalars)
                }
            }
            i = end
            copiedUpTo = end
        }
        out.append(contentsOf: s[copiedUpTo..<s.count])
        return String(out)
    }

    /// ` ?([^ >]+?)\[(.+?)\]` at `i`: the base, the reading and the end of the match.
    private static func rubyMatch(_ s: [Unicode.Scalar], at i: Int) -> (String, String, Int)? {
        for start in (s[i] == " " ? [i + 1, i] : [i]) {
            var j = start
            // The base: one or more characters other than space and `>`, up to the first `[` after one.
            guard j < s.count, s[j] != " ", s[j] != ">" else { continue }
            j += 1
            while j < s.count, s[j] != "[" {
                if s[j] == " " || s[j] == ">" { break }
                j += 1
            }
            guard j < s.count, s[j] == "[" else { continue }
            let baseEnd = j
            // The reading: one or more characters (not newlines) up to the first `]` after one.
            var k = baseEnd + 2
            guard baseEnd + 1 < s.count, s[baseEnd + 1] != "\n" else { continue }
            while k < s.count, s[k] != "]", s[k] != "\n" { k += 1 }
            guard k < s.count, s[k] == "]" else { continue }
            return (AnkiCloze.string(s, start, baseEnd), AnkiCloze.string(s, baseEnd + 2 - 1, k), k + 1)
        }
        return nil
    }
}
