import Foundation

/// Turning the bytes of a file into the text we parse: BOM and line endings, UTF-16,
/// Windows-1252 fallback, and repair of UTF-8 that was once read as Windows-1252.
enum TextDecoding {
    struct Decoded {
        var text: String
        /// Set when the bytes were not UTF-8 and were read as Windows-1252: the line of the
        /// first invalid byte.
        var windows1252AtLine: Int?
    }

    /// Decodes a file's bytes. Never fails: invalid UTF-8 is read as Windows-1252 (every byte
    /// is a character there), then `repairMojibake` restores the UTF-8 sequences it contained.
    static func decode(_ raw: [UInt8]) -> Decoded {
        if let bigEndian = utf32ByteOrder(raw) {
            return Decoded(text: repairMojibake(String(decoding: normalizeNewlines(utf32(raw, bigEndian: bigEndian)), as: UTF8.self)),
                           windows1252AtLine: nil)
        }
        if raw.count >= 2, (raw[0] == 0xFF && raw[1] == 0xFE) || (raw[0] == 0xFE && raw[1] == 0xFF) {
            return Decoded(text: repairMojibake(String(decoding: normalizeNewlines(utf16(raw)), as: UTF8.self)),
                           windows1252AtLine: nil)
        }
        var bytes = raw
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { bytes.removeFirst(3) }
        bytes = normalizeNewlines(bytes)
        if let text = String(validating: bytes, as: UTF8.self) {
            return Decoded(text: repairMojibake(text), windows1252AtLine: nil)
        }
        let line = firstInvalidUTF8Line(bytes)
        let text = String(decoding: windows1252ToUTF8(bytes), as: UTF8.self)
        return Decoded(text: repairMojibake(text), windows1252AtLine: line)
    }

    /// Text handed over as a string (embedded seeds, tests): same normalisation as files.
    static func normalize(_ text: String) -> String {
        var t = text
        if t.hasPrefix("\u{FEFF}") { t.removeFirst() }
        if t.utf8.contains(13) {
            t = String(decoding: normalizeNewlines(Array(t.utf8)), as: UTF8.self)
        }
        return repairMojibake(t)
    }

    static func containsNUL(_ bytes: [UInt8]) -> Bool {
        if utf32ByteOrder(bytes) != nil { return false }
        if bytes.count >= 2, (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) {
            return false
        }
        return bytes.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return false }
            return memchrNUL(base, buf.count)
        }
    }

    private static func memchrNUL(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        memchr(p, 0, n) != nil
    }

    /// Whether the bytes start with a UTF-32 byte-order mark (checked before UTF-16's, which
    /// `FF FE 00 00` also starts with): true for big-endian, false for little-endian.
    private static func utf32ByteOrder(_ raw: [UInt8]) -> Bool? {
        guard raw.count >= 4 else { return nil }
        if raw[0] == 0xFF, raw[1] == 0xFE, raw[2] == 0, raw[3] == 0 { return false }
        if raw[0] == 0, raw[1] == 0, raw[2] == 0xFE, raw[3] == 0xFF { return true }
        return nil
    }

    private static func utf32(_ raw: [UInt8], bigEndian: Bool) -> [UInt8] {
        var units: [UInt32] = []
        units.reserveCapacity(raw.count / 4)
        var i = 4
        while i + 3 < raw.count {
            let bytes = (UInt32(raw[i]), UInt32(raw[i + 1]), UInt32(raw[i + 2]), UInt32(raw[i + 3]))
            units.append(bigEndian ? bytes.0 << 24 | bytes.1 << 16 | bytes.2 << 8 | bytes.3
                                   : bytes.3 << 24 | bytes.2 << 16 | bytes.1 << 8 | bytes.0)
            i += 4
        }
        return Array(String(decoding: units, as: UTF32.self).utf8)
    }

    private static func utf16(_ raw: [UInt8]) -> [UInt8] {
        let little = raw[0] == 0xFF
        var units: [UInt16] = []
        units.reserveCapacity(raw.count / 2)
        var i = 2
        while i + 1 < raw.count {
            units.append(little ? UInt16(raw[i]) | UInt16(raw[i + 1]) << 8 : UInt16(raw[i]) << 8 | UInt16(raw[i + 1]))
            i += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// CRLF and lone CR become LF, so line numbers count `\n` only.
    static func normalizeNewlines(_ bytes: [UInt8]) -> [UInt8] {
        let hasCarriageReturn = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memchr($0, 13, buffer.count) != nil } ?? false
        }
        guard hasCarriageReturn else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 13 {
                out.append(10)
                if i + 1 < bytes.count, bytes[i + 1] == 10 { i += 1 }
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }

    /// The 1-based line of the first byte that is not part of a well-formed UTF-8 sequence.
    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int {
        var line = 1
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 10 { line += 1 }
                i += 1
                continue
            }
            let need: Int
            var minimum: UInt32
            var value: UInt32
            switch b {
            case 0xC2...0xDF: need = 1; minimum = 0x80; value = UInt32(b & 0x1F)
            case 0xE0...0xEF: need = 2; minimum = 0x800; value = UInt32(b & 0x0F)
            case 0xF0...0xF4: need = 3; minimum = 0x10000; value = UInt32(b & 0x07)
            default: return line
            }
            guard i + need < n else { return line }
            for k in 1...need {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return line }
                value = value << 6 | UInt32(c & 0x3F)
            }
            if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return line }
            i += need + 1
        }
        return line
    }

    /// Windows-1252 code points for bytes 0x80–0x9F; the five unassigned bytes keep their C1 control.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    static func windows1252ToUTF8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
            } else {
                let scalar = b < 0xA0 ? windows1252High[Int(b - 0x80)] : UInt32(b)
                appendUTF8(scalar, to: &out)
            }
        }
        return out
    }

    @inline(__always)
    static func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | (v >> 6) & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18))
            out.append(UInt8(0x80 | (v >> 12) & 0x3F))
            out.append(UInt8(0x80 | (v >> 6) & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    /// The Windows-1252 byte a character came from, if it could have come from one.
    /// C1 controls map to themselves, so Latin-1 mojibake is repaired too.
    @inline(__always)
    static func windows1252Byte(_ v: UInt32) -> UInt8? {
        if v >= 0x80 && v <= 0xFF { return UInt8(v) }
        switch v {
        case 0x20AC: return 0x80
        case 0x201A: return 0x82
        case 0x0192: return 0x83
        case 0x201E: return 0x84
        case 0x2026: return 0x85
        case 0x2020: return 0x86
        case 0x2021: return 0x87
        case 0x02C6: return 0x88
        case 0x2030: return 0x89
        case 0x0160: return 0x8A
        case 0x2039: return 0x8B
        case 0x0152: return 0x8C
        case 0x017D: return 0x8E
        case 0x2018: return 0x91
        case 0x2019: return 0x92
        case 0x201C: return 0x93
        case 0x201D: return 0x94
        case 0x2022: return 0x95
        case 0x2013: return 0x96
        case 0x2014: return 0x97
        case 0x02DC: return 0x98
        case 0x2122: return 0x99
        case 0x0161: return 0x9A
        case 0x203A: return 0x9B
        case 0x0153: return 0x9C
        case 0x017E: return 0x9E
        case 0x0178: return 0x9F
        default: return nil
        }
    }

    /// Undoes UTF-8 that was decoded as Windows-1252 (`Hereâ€™s` → `Here’s`, `cafÃ©` → `café`).
    ///
    /// Each character that maps back to a Windows-1252 byte ≥ 0x80 is a candidate; where a run
    /// of them re-encodes to one well-formed UTF-8 sequence that decodes to a plausible
    /// character, the run is replaced. Anything else is left alone, so legitimate accented
    /// text (`café`, `Straße“`, `Ç’`) is never touched. Runs twice for double mojibake.
    static func repairMojibake(_ text: String) -> String {
        var current = text
        for _ in 0..<2 {
            guard mayContainMojibake(current), let repaired = repairOnce(current) else { break }
            current = repaired
        }
        return current
    }

    /// Mojibake always starts with one of `Â`…`ô` (U+00C2–U+00F4, the lead bytes of UTF-8):
    /// in UTF-8 that is 0xC3 followed by 0x82–0xB4.
    private static func mayContainMojibake(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard var cursor = bytes.baseAddress else { return false }
            let end = cursor + bytes.count
            // memchr jumps to each 0xC3 lead byte; text without Latin-1 letters has none.
            while cursor < end, let hit = memchr(cursor, 0xC3, end - cursor) {
                let lead = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self))
                if lead + 1 < end, lead[1] >= 0x82, lead[1] <= 0xB4 { return true }
                cursor = lead + 1
            }
            return false
        }
    }

    /// One pass; `nil` when nothing changed.
    private static func repairOnce(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        let n = bytes.count
        var out: [UInt8] = []
        out.reserveCapacity(n)
        var changed = false
        var i = 0

        // Decodes the scalar at byte offset `at` of well-formed UTF-8: (value, length).
        @inline(__always)
        func scalar(at: Int) -> (UInt32, Int) {
            let b = bytes[at]
            if b < 0x80 { return (UInt32(b), 1) }
            if b < 0xE0 { return (UInt32(b & 0x1F) << 6 | UInt32(bytes[at + 1] & 0x3F), 2) }
            if b < 0xF0 {
                return (UInt32(b & 0x0F) << 12 | UInt32(bytes[at + 1] & 0x3F) << 6 | UInt32(bytes[at + 2] & 0x3F), 3)
            }
            return (UInt32(b & 0x07) << 18 | UInt32(bytes[at + 1] & 0x3F) << 12
                    | UInt32(bytes[at + 2] & 0x3F) << 6 | UInt32(bytes[at + 3] & 0x3F), 4)
        }

        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                out.append(b)
                i += 1
                continue
            }
            let (v, len) = scalar(at: i)
            if let lead = windows1252Byte(v), lead >= 0xC2, lead <= 0xF4 {
                let need = lead < 0xE0 ? 1 : lead < 0xF0 ? 2 : 3
                var value = UInt32(lead) & (need == 1 ? 0x1F : need == 2 ? 0x0F : 0x07)
                var j = i + len
                var ok = true
                for _ in 0..<need {
                    guard j < n, bytes[j] >= 0x80 else { ok = false; break }
                    let (cv, clen) = scalar(at: j)
                    guard let cb = windows1252Byte(cv), cb & 0xC0 == 0x80 else { ok = false; break }
                    value = value << 6 | UInt32(cb & 0x3F)
                    j += clen
                }
                if ok, plausible(value, length: need + 1) {
                    appendUTF8(value, to: &out)
                    changed = true
                    i = j
                    continue
                }
            }
            out.append(contentsOf: bytes[i..<(i + len)])
            i += len
        }
        return changed ? String(decoding: out, as: UTF8.self) : nil
    }

    /// Characters that UTF-8 text really contains; two Latin-1 letters that happen to form
    /// a sequence for, say, an NKo letter are left as they are.
    private static func plausible(_ v: UInt32, length: Int) -> Bool {
        switch length {
        case 2:
            return (0xA0...0x17F).contains(v) || v == 0x2C6 || v == 0x2DC || (0x370...0x4FF).contains(v)
        case 3:
            return v >= 0x800 && !(0xD800...0xF8FF).contains(v) && v < 0xFFF0
        default:
            return (0x1F000...0x1FAFF).contains(v) || (0x20000...0x2FFFF).contains(v)
        }
    }
}
