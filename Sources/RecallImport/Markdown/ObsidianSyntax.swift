import Foundation

/// The line-level pieces of Obsidian Spaced Repetition's card syntax
/// (https://github.com/st3v3nmw/obsidian-spaced-repetition, docs/flashcards): tag lines that
/// mark a note as flashcards (`#flashcards`, `#flashcards/deck`), the `<!--SR:…-->` comments
/// where the plugin keeps each card's schedule, the lone `?` / `??` lines of multi-line cards
/// and `==highlight==` clozes. None of the markup is card text.
enum ObsidianSyntax {
    /// Whether the text shows that it was written for the plugin: a scheduling comment, a
    /// `#flashcards` tag, or a lone `?`/`??` line between two non-blank lines. In such a note
    /// `q::a` without spaces is a card even when `q` is one word (`Term::definition`).
    static func hasSignal(_ text: String) -> Bool {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable(scanSignal) ?? false
    }

    /// Whether a line of the text is a tag line with a `#flashcards` tag: a note for the
    /// plugin, whose cards are only its card syntax (none at all when it has none yet).
    static func hasFlashcardsTagLine(_ text: String) -> Bool {
        var text = text
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { buf -> Bool in
            let needle = Array("#flashcards".utf8)
            guard let base = buf.baseAddress else { return false }
            var offset = 0
            while offset < buf.count, let hit = memchr(base + offset, Int32(needle[0]), buf.count - offset) {
                let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                offset = at + 1
                guard at + needle.count <= buf.count,
                      UnsafeBufferPointer(rebasing: buf[at..<(at + needle.count)]).elementsEqual(needle) else { continue }
                var start = at
                while start > 0, buf[start - 1] != 10 { start -= 1 }
                var end = at
                while end < buf.count, buf[end] != 10 { end += 1 }
                if isTagLine(UnsafeBufferPointer(rebasing: buf[start..<end])) { return true }
                offset = end
            }
            return false
        } ?? false
    }

    private static func scanSignal(_ buf: UnsafeBufferPointer<UInt8>) -> Bool {
        let sr = Array("<!--SR:".utf8)
        let tag = Array("#flashcards".utf8)
        var lineStart = 0
        var i = 0
        var previousLineBlank = true
        while i <= buf.count {
            if i == buf.count || buf[i] == 10 {
                let line = UnsafeBufferPointer(rebasing: buf[lineStart..<i])
                let trimmed = trimmedBounds(line)
                let length = trimmed.upperBound - trimmed.lowerBound
                if length >= 1, length <= 2, line[trimmed].allSatisfy({ $0 == UInt8(ascii: "?") }), !previousLineBlank,
                   i < buf.count, i + 1 < buf.count, buf[i + 1] != 10 {
                    return true
                }
                if contains(line, sr) || isTagLine(line) && contains(line, tag) { return true }
                previousLineBlank = length == 0
                lineStart = i + 1
            }
            i += 1
        }
        return false
    }

    private static func trimmedBounds(_ line: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        var a = 0
        var b = line.count
        while a < b, line[a] == 32 || line[a] == 9 || line[a] == 13 { a += 1 }
        while b > a, line[b - 1] == 32 || line[b - 1] == 9 || line[b - 1] == 13 { b -= 1 }
        return a..<b
    }

    private static func contains(_ line: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard line.count >= needle.count else { return false }
        for start in 0...(line.count - needle.count) where line[start] == needle[0] {
            var k = 1
            while k < needle.count, line[start + k] == needle[k] { k += 1 }
            if k == needle.count { return true }
        }
        return false
    }

    private static func isTagLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        isTagLine(Substring(decoding: line, as: UTF8.self))
    }

    /// A line of tags only (`#flashcards/aws #course/aws/developer-associate`): metadata, not
    /// text. A tag is `#` and a name with at least one letter, so `#12` and `# Title` are not.
    static func isTagLine(_ line: Substring) -> Bool {
        var any = false
        for token in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }) {
            guard token.first == "#", token.count > 1 else { return false }
            let name = token.dropFirst()
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "/" }),
                  name.contains(where: \.isLetter) else { return false }
            any = true
        }
        return any
    }

    /// The deck a `#flashcards/deck/sub` tag names (`deck::sub`), if the line has one.
    static func deck(fromTagLine line: Substring) -> String? {
        for token in line.split(whereSeparator: { $0 == " " || $0 == "\t" }) where token.hasPrefix("#flashcards/") {
            let parts = token.dropFirst("#flashcards/".count).split(separator: "/")
            if !parts.isEmpty { return parts.joined(separator: "::") }
        }
        return nil
    }

    /// `?` (one card) or `??` (a card each way) alone on a line: nil for any other line.
    static func multiLineSeparator(_ line: Substring) -> Bool? {
        let trimmed = line.trimmed
        if trimmed == "?" { return false }
        if trimmed == "??" { return true }
        return nil
    }

    /// The line without the plugin's `<!--SR:…-->` scheduling comments.
    static func withoutSchedulingComments(_ line: Substring) -> Substring {
        guard line.contains("<!--SR:") else { return line }
        var result = ""
        var rest = line
        while let open = rest.firstRange(of: "<!--SR:") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "-->") else {
                rest = rest[rest.endIndex...]
                break
            }
            rest = rest[close.upperBound...]
        }
        result += rest
        var trimmed = Substring(result)
        while trimmed.last == " " || trimmed.last == "\t" { trimmed = trimmed.dropLast() }
        return trimmed
    }

    /// The text with each `==highlight==` (outside inline code) as an Anki deletion
    /// `{{cN::highlight}}`, numbered in order: one card per highlight, as the plugin makes
    /// them. Nil when there is none. A highlight needs text that does not start or end with a
    /// space, so `a == b` and `x ==` are not highlights.
    static func highlightCloze(_ text: String) -> String? {
        guard text.contains("==") else { return nil }
        let chars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var number = 0
        var i = 0
        var codeTicks = 0
        while i < chars.count {
            let c = chars[i]
            if c == "`" {
                var n = 0
                while i < chars.count, chars[i] == "`" { n += 1; result.append(chars[i]); i += 1 }
                codeTicks = codeTicks == 0 ? n : (codeTicks == n ? 0 : codeTicks)
                continue
            }
            if codeTicks == 0, c == "=", i + 2 < chars.count, chars[i + 1] == "=", chars[i + 2] != " ", chars[i + 2] != "=" {
                // Find the closing `==` on the same line, with no space before it.
                var j = i + 2
                var close: Int?
                while j + 1 < chars.count, chars[j] != "\n" {
                    if chars[j] == "=", chars[j + 1] == "=", chars[j - 1] != " " { close = j; break }
                    j += 1
                }
                if let close {
                    number += 1
                    result.append(contentsOf: "{{c\(number)::".unicodeScalars)
                    result.append(contentsOf: chars[(i + 2)..<close])
                    result.append(contentsOf: "}}".unicodeScalars)
                    i = close + 2
                    continue
                }
            }
            result.append(c)
            i += 1
        }
        return number > 0 ? String(result) : nil
    }
}
