/// Cloze deletions in the two syntaxes people already write:
/// Anki's `{{c1::text}}` / `{{c1::text::hint}}` (one card per number), and hashcards-style
/// `[text]` spans in a `C:` note (one card per span, numbered in order).
///
/// Brackets that are Markdown links (`[text](url)`, `[text][ref]`), images, escaped (`\[`)
/// or inside inline code are text, not deletions.
enum Cloze {
    struct Deletion: Equatable {
        var number: Int
        var text: Substring
        var hint: Substring?
    }

    enum Segment: Equatable {
        case text(Substring)
        case deletion(Deletion)
    }

    enum Failure: Error, Equatable {
        /// `{{c…::` without `}}`; the offset (in UTF-8 bytes) of the opening braces.
        case unclosedAnki(offset: Int)
        /// `[` without `]`; the offset of the bracket.
        case unclosedBracket(offset: Int)
    }

    /// A quick byte scan for `{{c` in lines `first...last`, before the exact check.
    static func mayUseAnkiSyntax(_ lines: SourceLines, _ first: Int, _ last: Int) -> Bool {
        for n in first...last {
            var previous: (UInt8, UInt8) = (0, 0)
            for c in lines.line(n).utf8 {
                if c == UInt8(ascii: "c"), previous == (UInt8(ascii: "{"), UInt8(ascii: "{")) { return true }
                previous = (previous.1, c)
            }
        }
        return false
    }

    /// True when `text` uses Anki's syntax, which then wins over brackets.
    static func usesAnkiSyntax(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        var found = false
        for c in text.utf8 {
            if c == UInt8(ascii: "c"), previous == (UInt8(ascii: "{"), UInt8(ascii: "{")) {
                found = true
                break
            }
            previous = (previous.1, c)
        }
        guard found else { return false }
        var rest = text[...]
        while let r = rest.firstRange(of: "{{c") {
            let after = rest[r.upperBound...]
            let digits = after.prefix(while: { $0.isASCII && $0.isNumber })
            if !digits.isEmpty, after.dropFirst(digits.count).hasPrefix("::") { return true }
            rest = after
        }
        return false
    }

    /// The text cut into plain runs and deletions; `anki` forces a syntax (a note's chunks
    /// are checked one by one with the syntax of the whole note).
    static func segments(_ text: String, anki: Bool? = nil) throws(Failure) -> [Segment] {
        anki ?? usesAnkiSyntax(text) ? try ankiSegments(text) : try bracketSegments(text)
    }

    /// The card ordinals of a cloze text: its distinct numbers in increasing order.
    static func ordinals(in text: String) -> [Int] {
        guard let segments = try? segments(text) else { return [] }
        var numbers = Set<Int>()
        for case .deletion(let d) in segments { numbers.insert(d.number) }
        return numbers.sorted()
    }

    /// Where the next `{{cN::` starts in `text`, if anywhere.
    private static func nextAnkiOpening(in text: Substring) -> Substring.Index? {
        var rest = text
        while let open = rest.firstRange(of: "{{c") {
            let after = rest[open.upperBound...]
            let digits = after.prefix(while: { $0.isASCII && $0.isNumber })
            if !digits.isEmpty, after.dropFirst(digits.count).hasPrefix("::") { return open.lowerBound }
            rest = after
        }
        return nil
    }

    private static func ankiSegments(_ text: String) throws(Failure) -> [Segment] {
        var result: [Segment] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "{{c") {
            let after = rest[open.upperBound...]
            let digits = after.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, let number = Int(digits),
                  after.dropFirst(digits.count).hasPrefix("::") else {
                result.append(.text(rest[rest.startIndex..<open.upperBound]))
                rest = after
                continue
            }
            let bodyStart = after.dropFirst(digits.count + 2)
            // Deletions do not nest: another `{{c…::` before the `}}` means this one is never closed.
            let nextOpen = Self.nextAnkiOpening(in: bodyStart)
            guard let close = bodyStart.firstRange(of: "}}"), nextOpen.map({ close.lowerBound < $0 }) ?? true else {
                throw .unclosedAnki(offset: text.utf8.distance(from: text.startIndex, to: open.lowerBound))
            }
            if open.lowerBound > rest.startIndex { result.append(.text(rest[rest.startIndex..<open.lowerBound])) }
            let body = bodyStart[bodyStart.startIndex..<close.lowerBound]
            if let sep = body.firstRange(of: "::") {
                result.append(.deletion(Deletion(number: number, text: body[body.startIndex..<sep.lowerBound],
                                                 hint: body[sep.upperBound...])))
            } else {
                result.append(.deletion(Deletion(number: number, text: body, hint: nil)))
            }
            rest = bodyStart[close.upperBound...]
        }
        if !rest.isEmpty { result.append(.text(rest)) }
        return result
    }

    private static func bracketSegments(_ text: String) throws(Failure) -> [Segment] {
        var result: [Segment] = []
        let chars = text.unicodeScalars
        var i = chars.startIndex
        var textStart = i
        var number = 0
        while i < chars.endIndex {
            let c = chars[i]
            if c == "\\" {
                i = chars.index(after: i)
                if i < chars.endIndex { i = chars.index(after: i) }
                continue
            }
            if c == "`" {
                // Skip an inline code span: a run of backticks up to the next run of the same length.
                var run = 0
                var j = i
                while j < chars.endIndex, chars[j] == "`" { run += 1; j = chars.index(after: j) }
                var k = j
                var closed = false
                while k < chars.endIndex {
                    if chars[k] == "`" {
                        var run2 = 0
                        var m = k
                        while m < chars.endIndex, chars[m] == "`" { run2 += 1; m = chars.index(after: m) }
                        if run2 == run { i = m; closed = true; break }
                        k = m
                    } else {
                        k = chars.index(after: k)
                    }
                }
                if !closed { i = j }
                continue
            }
            if c == "!", chars.index(after: i) < chars.endIndex, chars[chars.index(after: i)] == "[" {
                // An image: leave it as text.
                i = skipLink(chars, from: chars.index(after: i)) ?? chars.index(after: i)
                continue
            }
            if c == "[" {
                guard let close = matchingBracket(chars, from: i) else {
                    throw .unclosedBracket(offset: text.utf8.distance(from: text.startIndex, to: i))
                }
                let next = chars.index(after: close)
                if next < chars.endIndex, chars[next] == "(" || chars[next] == "[" {
                    i = skipLink(chars, from: i) ?? next
                    continue
                }
                if i > textStart { result.append(.text(Substring(chars[textStart..<i]))) }
                number += 1
                let inner = Substring(chars[chars.index(after: i)..<close])
                result.append(.deletion(Deletion(number: number, text: inner, hint: nil)))
                i = next
                textStart = i
                continue
            }
            i = chars.index(after: i)
        }
        if textStart < chars.endIndex { result.append(.text(Substring(chars[textStart...]))) }
        return result
    }

    /// The `]` matching the `[` at `open`, allowing nested brackets and escapes.
    private static func matchingBracket(_ chars: String.UnicodeScalarView, from open: String.Index) -> String.Index? {
        var depth = 0
        var i = open
        while i < chars.endIndex {
            let c = chars[i]
            if c == "\\" {
                i = chars.index(after: i)
                if i < chars.endIndex { i = chars.index(after: i) }
                continue
            }
            if c == "[" { depth += 1 }
            if c == "]" {
                depth -= 1
                if depth == 0 { return i }
            }
            i = chars.index(after: i)
        }
        return nil
    }

    /// Past the end of a link `[text](target)` or `[text][ref]` starting at `open`.
    private static func skipLink(_ chars: String.UnicodeScalarView, from open: String.Index) -> String.Index? {
        guard let close = matchingBracket(chars, from: open) else { return nil }
        var i = chars.index(after: close)
        guard i < chars.endIndex else { return i }
        let closer: Unicode.Scalar
        switch chars[i] {
        case "(": closer = ")"
        case "[": closer = "]"
        default: return i
        }
        while i < chars.endIndex, chars[i] != closer { i = chars.index(after: i) }
        return i < chars.endIndex ? chars.index(after: i) : i
    }
}

/// What a card shows, computed from its note: the review screen calls this, the store does not.
public enum CardFace {
    /// The front and back of card `ordinal` of `note`.
    ///
    /// Basic: the note as is. Reversed: ordinal 2 swaps front and back. Cloze: the deletions
    /// numbered `ordinal` become `[...]` (or `[hint]`) on the front and their text on the back;
    /// all other deletions show as plain text on both sides. Extra text (`note.back`) follows
    /// the revealed text on the back.
    public static func render(note: NoteDraft, ordinal: Int) -> (front: String, back: String) {
        switch note.kind {
        case .basic:
            return (note.front, note.back)
        case .reversed:
            return ordinal == 2 ? (note.back, note.front) : (note.front, note.back)
        case .cloze:
            guard let segments = try? Cloze.segments(note.front) else { return (note.front, note.back) }
            var front = ""
            var revealed = ""
            for segment in segments {
                switch segment {
                case .text(let t):
                    front += t
                    revealed += t
                case .deletion(let d):
                    if d.number == ordinal {
                        front += "[\(d.hint.map(String.init) ?? "...")]"
                    } else {
                        front += d.text
                    }
                    revealed += d.text
                }
            }
            let back = note.back.isEmpty ? revealed : revealed + "\n\n" + note.back
            return (front, back)
        }
    }
}
