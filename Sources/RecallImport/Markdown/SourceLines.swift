/// The text of a file by 1-based line, so card text can be taken verbatim from the source
/// (code blocks keep their fences and language, lists their markers).
struct SourceLines {
    let text: String
    /// UTF-8 offset where each line starts, plus one past the end (for the last line's end).
    private let starts: [Int]

    init(_ text: String) {
        self.text = text
        var starts: [Int] = [0]
        let found = text.utf8.withContiguousStorageIfAvailable { buf -> [Int] in
            var result: [Int] = [0]
            result.reserveCapacity(buf.count / 32 + 2)
            var i = 0
            while i < buf.count {
                if buf[i] == 10 { result.append(i + 1) }
                i += 1
            }
            result.append(buf.count + 1)
            return result
        }
        if let found {
            starts = found
        } else {
            var offset = 0
            for c in text.utf8 {
                offset += 1
                if c == 10 { starts.append(offset) }
            }
            starts.append(offset + 1)
        }
        self.starts = starts
    }

    var count: Int { starts.count - 1 }

    private func index(_ offset: Int) -> String.Index {
        text.utf8.index(text.utf8.startIndex, offsetBy: min(offset, text.utf8.count))
    }

    func line(_ n: Int) -> Substring {
        guard n >= 1, n <= count else { return "" }
        return text[index(starts[n - 1])..<index(starts[n] - 1)]
    }

    /// Lines `first...last` exactly as written.
    func slice(_ first: Int, _ last: Int) -> String {
        let a = max(first, 1)
        let b = min(last, count)
        guard a <= b else { return "" }
        return String(text[index(starts[a - 1])..<index(starts[b] - 1)])
    }
    /// Lines `first...last` without blank lines at either end or trailing blanks on the last.
    func slice(_ first: Int, _ last: Int, trimmingBlankLines: Bool) -> String {
        var a = max(first, 1)
        var b = min(last, count)
        while a <= b, SourceLines.isBlank(line(a)) { a += 1 }
        while b >= a, SourceLines.isBlank(line(b)) { b -= 1 }
        guard a <= b else { return "" }
        var end = index(starts[b] - 1)
        let u = text.utf8
        let start = index(starts[a - 1])
        while end > start {
            let prev = u.index(before: end)
            if u[prev] == 32 || u[prev] == 9 { end = prev } else { break }
        }
        return String(text[start..<end])
    }

    /// Lines `first...last` with up to `indent` columns of leading spaces removed from each,
    /// which moves the content of a list item back to the left margin.
    func slice(_ first: Int, _ last: Int, dedent indent: Int) -> String {
        guard indent > 0 else { return slice(first, last) }
        let a = max(first, 1)
        let b = min(last, count)
        guard a <= b else { return "" }
        var out = ""
        for n in a...b {
            if n > a { out += "\n" }
            out += SourceLines.dedent(line(n), by: indent)
        }
        return out
    }

    static func dedent(_ line: Substring, by indent: Int) -> Substring {
        var columns = 0
        var i = line.startIndex
        while i < line.endIndex, columns < indent {
            let c = line[i]
            if c == " " { columns += 1 } else if c == "\t" { columns += 4 } else { break }
            i = line.index(after: i)
        }
        return line[i...]
    }

    static func isBlank(_ line: Substring) -> Bool {
        line.utf8.allSatisfy { $0 == 32 || $0 == 9 }
    }

    /// Leading spaces of a line, in columns.
    static func indentation(_ line: Substring) -> Int {
        var columns = 0
        for c in line.utf8 {
            if c == 32 { columns += 1 } else if c == 9 { columns += 4 } else { break }
        }
        return columns
    }
}

extension Substring {
    /// Without leading and trailing whitespace and newlines (no Foundation needed).
    var trimmed: String {
        let u = utf8
        @inline(__always) func asciiSpace(_ c: UInt8) -> Bool { c == 32 || c == 10 || c == 9 || c == 13 || c == 11 || c == 12 }
        var a = u.startIndex
        while a < u.endIndex, asciiSpace(u[a]) { a = u.index(after: a) }
        var b = u.endIndex
        while b > a, asciiSpace(u[u.index(before: b)]) { b = u.index(before: b) }
        if a == b { return "" }
        if u[a] < 0x80, u[u.index(before: b)] < 0x80 { return String(self[a..<b]) }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(Substring(scalars[first...last]))
    }
}

extension String {
    var trimmed: String { self[...].trimmed }
}

extension StringProtocol {
    /// Byte-wise substring test, without Foundation's (slow, locale-aware) `contains`.
    func containsBytes(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let h = utf8
        var i = h.startIndex
        while let start = h[i...].firstIndex(of: first) {
            var a = start
            var k = 0
            while k < n.count, a < h.endIndex, h[a] == n[k] {
                a = h.index(after: a)
                k += 1
            }
            if k == n.count { return true }
            i = h.index(after: start)
        }
        return false
    }

    /// ASCII letters lowercased, everything else as is.
    var asciiLowercased: String {
        String(decoding: utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

extension Array where Element == UInt8 {
    /// Naive byte search; the needles are short.
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= count else { return needle.isEmpty }
        var i = 0
        let last = count - needle.count
        while i <= last {
            if self[i] == first {
                var k = 1
                while k < needle.count, self[i + k] == needle[k] { k += 1 }
                if k == needle.count { return true }
            }
            i += 1
        }
        return false
    }
}
