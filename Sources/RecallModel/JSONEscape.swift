/// The one JSON string escaper of recall, for `--json` output (`JSONValue`) and deck files
/// (RecallSync's byte writer) alike, so that both write the same bytes for the same text:
/// quotes, backslashes and control characters escaped (`\n`, `\r`, `\t`, `\b`, `\f`, else
/// `\u00XX`), DEL as `\u007f`, and U+2028/U+2029 (which end lines in JavaScript) as
/// `\u2028`/`\u2029`. Everything else is copied as it is.
public enum JSONEscape {
    /// The most bytes `write` writes for `count` bytes of text: every byte a `\u00XX`, and quotes.
    public static func maximumLength(quoting count: Int) -> Int { count * 6 + 2 }

    /// Writes `"…"` for the UTF-8 text `bytes` at `p`, which has room for
    /// `maximumLength(quoting: bytes.count)` bytes; returns how many it wrote. Most text needs no
    /// escape at all: it is scanned eight bytes at a time and copied in spans.
    public static func write(_ bytes: UnsafeRawBufferPointer, quotedInto p: UnsafeMutablePointer<UInt8>) -> Int {
        p[0] = UInt8(ascii: "\"")
        var written = 1
        let count = bytes.count
        guard count > 0, let source = bytes.baseAddress else {
            p[1] = UInt8(ascii: "\"")
            return 2
        }
        var start = 0
        var index = 0
        while index < count {
            // Eight bytes that hold nothing to escape are skipped at once (a byte that may
            // need one, or a false alarm next to it, sends them to the byte-by-byte check).
            if index + 8 <= count, !mayNeedEscape(source.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                index += 8
                continue
            }
            let end = min(index + 8, count)
            while index < end {
                let byte = source.load(fromByteOffset: index, as: UInt8.self)
                if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") && byte != 0x7F && byte != 0xE2 {
                    index += 1
                    continue
                }
                var unicode: UInt32 = 0
                var width = 1
                var short: UInt8 = 0
                switch byte {
                case UInt8(ascii: "\""): short = UInt8(ascii: "\"")
                case UInt8(ascii: "\\"): short = UInt8(ascii: "\\")
                case 0x0A: short = UInt8(ascii: "n")
                case 0x0D: short = UInt8(ascii: "r")
                case 0x09: short = UInt8(ascii: "t")
                case 0x08: short = UInt8(ascii: "b")
                case 0x0C: short = UInt8(ascii: "f")
                case 0xE2:
                    guard index + 2 < count, source.load(fromByteOffset: index + 1, as: UInt8.self) == 0x80 else {
                        index += 1
                        continue
                    }
                    let last = source.load(fromByteOffset: index + 2, as: UInt8.self)
                    guard last == 0xA8 || last == 0xA9 else {
                        index += 1
                        continue
                    }
                    unicode = last == 0xA8 ? 0x2028 : 0x2029
                    width = 3
                default: unicode = UInt32(byte)
                }
                if index > start {
                    (p + written).update(from: source.assumingMemoryBound(to: UInt8.self) + start, count: index - start)
                    written += index - start
                }
                p[written] = UInt8(ascii: "\\")
                if short != 0 {
                    p[written + 1] = short
                    written += 2
                } else {
                    let hex: StaticString = "0123456789abcdef"
                    p[written + 1] = UInt8(ascii: "u")
                    p[written + 2] = hex.utf8Start[Int(unicode >> 12 & 0xF)]
                    p[written + 3] = hex.utf8Start[Int(unicode >> 8 & 0xF)]
                    p[written + 4] = hex.utf8Start[Int(unicode >> 4 & 0xF)]
                    p[written + 5] = hex.utf8Start[Int(unicode & 0xF)]
                    written += 6
                }
                index += width
                start = index
            }
        }
        if count > start {
            (p + written).update(from: source.assumingMemoryBound(to: UInt8.self) + start, count: count - start)
            written += count - start
        }
        p[written] = UInt8(ascii: "\"")
        return written + 1
    }

    /// Whether any of the eight bytes of `word` may need an escape: below 0x20, `"`, `\`, DEL,
    /// or 0xE2 (the first byte of U+2028/U+2029). Exact when false; may be true by mistake next
    /// to a byte that does (the borrow of the zero-byte test), which the byte check sorts out.
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        @inline(__always) func hasZero(_ x: UInt64) -> UInt64 { (x &- ones) & ~x & highs }
        let below = (word &- ones &* 0x20) & ~word & highs
        return below | hasZero(word ^ (ones &* 0x22)) | hasZero(word ^ (ones &* 0x5C)) | hasZero(word ^ (ones &* 0x7F))
            | hasZero(word ^ (ones &* 0xE2)) != 0
    }

    /// Appends `"…"` for the UTF-8 text `bytes` to `out`.
    public static func appendQuoted(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let room = maximumLength(quoting: bytes.count)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: room) { scratch in
            guard let base = scratch.baseAddress else { return }
            let count = write(bytes, quotedInto: base)
            out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        }
    }

    /// `text` as a JSON string, quotes included.
    public static func quoted(_ text: String) -> String {
        var text = text
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 2)
        text.withUTF8 { appendQuoted(UnsafeRawBufferPointer($0), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
