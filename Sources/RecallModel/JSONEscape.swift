/// The one JSON string escaper of recall, for `--json` output (`JSONValue`) and deck files
/// (RecallSync's byte writer) alike, so that both write the same bytes for the same text:
/// quotes, backslashes and control characters escaped (`\n`, `\r`, `\t`, `\b`, `\f`, else
/// `\u00XX`), DEL as `\u007f`, and U+2028/U+2029 (which end lines in JavaScript) as
/// `\u2028`/`\u2029`. Everything else is copied as it is.
public enum JSONEscape {
    /// Appends `"…"` for the UTF-8 text `bytes` to `out`.
    public static func appendQuoted(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var start = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            var escape: StaticString?
            var unicode: UInt32?
            var width = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0..<0x20, 0x7F: unicode = UInt32(byte)
            case 0xE2 where index + 2 < count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                unicode = bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029
                width = 3
            default:
                index += 1
                continue
            }
            if index > start { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index])) }
            if let escape { out.append(contentsOf: UnsafeBufferPointer(start: escape.utf8Start, count: escape.utf8CodeUnitCount)) }
            if let unicode {
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "u"))
                let hex: StaticString = "0123456789abcdef"
                for shift in stride(from: 12, through: 0, by: -4) {
                    out.append(hex.utf8Start[Int((unicode >> UInt32(shift)) & 0xF)])
                }
            }
            index += width
            start = index
        }
        if count > start { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count])) }
        out.append(UInt8(ascii: "\""))
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
