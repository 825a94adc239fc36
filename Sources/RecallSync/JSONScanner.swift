import Foundation
import RecallModel
import RecallScheduler

/// A byte-level JSON reader over a file's bytes: the building blocks `DeckReader` uses to read
/// a deck file directly into its types. Hand-written because a 170 MB file with a million
/// reviews must be read in well under a second and without a tree of `Any` values, and because
/// every error must say where it is: syntax errors by line and column (computed from the byte
/// offset), wrong values by JSON path.
///
/// Syntax errors are thrown at once (nothing after them can be read). A value of the wrong type
/// or out of range is a "problem": the first one is kept, the value is skipped, and reading goes
/// on, so that a file of another version is reported as such and not by its first odd value.
///
/// The bytes are either a whole buffer or a window over a file (`FileWindow`, issue 13,
/// streaming): the scanner asks the window for more bytes whenever it needs one past the end
/// (`has`), and lets go of the bytes before the current position between two values of an
/// array (`release`), where no token is held. Offsets (`position`, tokens) count from the
/// window's first byte, which is `origin` in the file.
struct JSONScanner {
    private(set) var bytes: UnsafeRawBufferPointer
    let file: String
    var position = 0
    /// The window over a file the bytes come from; nil when they are the whole text.
    let window: FileWindow?
    /// Where `bytes[0]` is in the file (0 for a whole buffer).
    private(set) var origin = 0
    /// Where the value being read sits, for problems: `decks`, 0, `cards`, 3, …
    var path: [PathPart] = []
    /// The first problem found; the reader throws it once the whole file has parsed.
    var problem: SyncError?
    private var depth = 0
    /// Arrays and objects nest at most this deep; deeper input is refused rather than
    /// recursing until the stack runs out.
    static let maximumDepth = 64

    enum PathPart {
        case key(String)
        case index(Int)
    }

    /// A string token: bytes between the quotes, still escaped.
    struct Token {
        var start: Int
        var end: Int
        var escaped: Bool
        var ascii: Bool
    }

    enum Kind {
        case object, array, string, number, bool, null
    }

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
        window = nil
    }

    /// A scanner over the file `window` reads, from the window's start (its first bytes read).
    init(window: FileWindow, file: String) {
        self.window = window
        self.file = file
        bytes = window.bytes
        origin = window.origin
    }

    // MARK: Positions and errors

    /// Whether the text ends at the current position (call after `skipWhitespace`, which reads
    /// on in a window).
    var atEnd: Bool { position >= bytes.count }

    /// The offset of the current position in the file (for a window) or the buffer.
    var absolutePosition: Int { origin + position }

    /// Whether there is a byte at `offset`, reading more of the file into the window if needed.
    @inline(__always)
    mutating func has(_ offset: Int) -> Bool {
        offset < bytes.count || readMore(through: offset)
    }

    /// Reads into the window until `offset` is in it or the file ends.
    private mutating func readMore(through offset: Int) -> Bool {
        guard let window else { return false }
        while offset >= window.count {
            guard window.fill() else { break }
        }
        bytes = window.bytes
        return offset < bytes.count
    }

    /// Lets go of the bytes before the current position (a window keeps them until it needs the
    /// room). Call only between values, where no token refers to earlier bytes.
    mutating func release() {
        guard let window, window.shouldDrop(position) else { return }
        window.drop(position)
        origin += position
        position = 0
        bytes = window.bytes
    }

    /// A syntax error at `offset` (default: the current position), with 1-based line and column;
    /// the column counts characters, not bytes.
    func syntax(_ message: String, at offset: Int? = nil) -> SyncError {
        let end = min(offset ?? position, bytes.count)
        if let window, origin != window.textStart {
            // The bytes before the window are gone: count the lines again from the file.
            let (line, column) = window.lineAndColumn(at: origin + end)
            return .syntax(file: file, line: line, column: column, message: message)
        }
        let (line, column) = Self.lineAndColumn(UnsafeRawBufferPointer(rebasing: bytes[0..<end]), from: (1, 1))
        return .syntax(file: file, line: line, column: column, message: message)
    }

    /// The line and column after `text`, starting at `start`.
    static func lineAndColumn(_ text: UnsafeRawBufferPointer, from start: (line: Int, column: Int)) -> (line: Int, column: Int) {
        var (line, column) = start
        for byte in text {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// The current path as users read it: `decks[0].cards[3].reviews[1].rating`.
    func pathText(adding key: String? = nil) -> String {
        var text = ""
        func append(key: String) {
            if !key.isEmpty, key.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) {
                text += text.isEmpty ? key : "." + key
            } else {
                text += "[" + quoted(key) + "]"
            }
        }
        for part in path {
            switch part {
            case let .key(name): append(key: name)
            case let .index(index): text += "[\(index)]"
            }
        }
        if let key { append(key: key) }
        return text.isEmpty ? "(top level)" : text
    }

    /// Records a problem with the value at the current path (plus `key`), unless one is already kept.
    mutating func report(_ message: String, key: String? = nil) {
        if problem == nil { problem = .invalid(file: file, path: pathText(adding: key), message: message) }
    }

    // MARK: Whitespace and single bytes

    mutating func skipWhitespace() {
        while has(position) {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// What the next value is, after whitespace; a syntax error when nothing valid starts here.
    mutating func kind() throws(SyncError) -> Kind {
        skipWhitespace()
        guard has(position) else { throw syntax("unexpected end of file") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        default: throw syntax("unexpected \(describeByte(at: position))")
        }
    }

    func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of file" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return String(format: "byte 0x%02X", byte)
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(SyncError) {
        skipWhitespace()
        guard has(position), bytes[position] == byte else {
            throw syntax("expected \(what), found \(describeByte(at: position))")
        }
        position += 1
    }

    // MARK: Objects and arrays

    /// Consumes `{`; then call `nextKey` until it returns nil.
    mutating func beginObject() throws(SyncError) {
        try expect(UInt8(ascii: "{"), "'{'")
        try enter()
    }

    /// The next key of the object (its `:` consumed), or nil after the closing `}`.
    mutating func nextKey(first: inout Bool) throws(SyncError) -> Token? {
        skipWhitespace()
        guard has(position) else { throw syntax("unexpected end of file inside an object") }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return nil
        }
        if !first {
            guard bytes[position] == UInt8(ascii: ",") else {
                throw syntax("expected ',' or '}', found \(describeByte(at: position))")
            }
            position += 1
            skipWhitespace()
        }
        first = false
        guard has(position), bytes[position] == UInt8(ascii: "\"") else {
            throw syntax("expected a key in quotes, found \(describeByte(at: position))")
        }
        let key = try stringToken()
        try expect(UInt8(ascii: ":"), "':' after the key")
        return key
    }

    /// Consumes `[`; then call `nextElement` until it returns false.
    mutating func beginArray() throws(SyncError) {
        try expect(UInt8(ascii: "["), "'['")
        try enter()
    }

    /// True when another element follows (positioned at it), false after the closing `]`.
    mutating func nextElement(first: inout Bool) throws(SyncError) -> Bool {
        skipWhitespace()
        guard has(position) else { throw syntax("unexpected end of file inside an array") }
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return false
        }
        if !first {
            guard bytes[position] == UInt8(ascii: ",") else {
                throw syntax("expected ',' or ']', found \(describeByte(at: position))")
            }
            position += 1
        }
        first = false
        return true
    }

    private mutating func enter() throws(SyncError) {
        depth += 1
        if depth > Self.maximumDepth { throw syntax("nested more than \(Self.maximumDepth) levels deep", at: position - 1) }
    }

    /// Whether `key` is the ASCII name `name` (keys with escapes are decoded first).
    func key(_ key: Token, is name: StaticString) -> Bool {
        if key.escaped { return (try? string(key)) == name.description }
        guard key.end - key.start == name.utf8CodeUnitCount, let base = bytes.baseAddress else { return false }
        return memcmp(base + key.start, name.utf8Start, name.utf8CodeUnitCount) == 0
    }

    // MARK: Strings

    /// Reads a string token, checking its escapes and that it holds no raw control characters.
    mutating func stringToken() throws(SyncError) -> Token {
        let open = position
        position += 1
        let start = position
        var escaped = false
        var high: UInt8 = 0
        while true {
            // The common case first: plain bytes up to the closing quote.
            var index = position
            if let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) {
                let count = bytes.count
                while index < count {
                    let byte = base[index]
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                    high |= byte
                    index += 1
                }
            }
            position = index
            guard has(position) else { throw syntax("unterminated string", at: open) }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte != UInt8(ascii: "\\") && byte >= 0x20 { continue }  // the window ended: more was read
            if byte < 0x20 { throw syntax("control character (byte 0x\(String(format: "%02X", byte))) inside a string") }
            escaped = true
            position += 1
            guard has(position) else { throw syntax("unterminated string", at: open) }
            let base = bytes
            switch base[position] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                position += 1
            case UInt8(ascii: "u"):
                guard has(position + 4), (1...4).allSatisfy({ isHexDigit(bytes[position + $0]) }) else {
                    throw syntax("invalid \\u escape", at: position - 1)
                }
                position += 5
            default:
                throw syntax("invalid escape \\\(describeByte(at: position))", at: position - 1)
            }
        }
        position += 1
        return Token(start: start, end: position - 1, escaped: escaped, ascii: high < 0x80)
    }

    /// The bytes of an unescaped token.
    func raw(_ token: Token) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
    }

    /// Decodes a string token: escapes resolved, UTF-8 checked.
    func string(_ token: Token) throws(SyncError) -> String {
        if !token.escaped {
            let slice = raw(token)
            if token.ascii { return String(decoding: slice, as: UTF8.self) }
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw syntax("invalid UTF-8 in a string", at: token.start)
            }
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(token.end - token.start)
        var index = token.start
        while index < token.end {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let code = bytes[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: index)
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 6 <= token.end, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                          case let low = hex4(at: index + 2), (0xDC00...0xDFFF).contains(low)
                    else { throw syntax("unpaired surrogate in a \\u escape", at: index - 6) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw syntax("unpaired surrogate in a \\u escape", at: index - 6)
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw syntax("invalid \\u escape", at: index - 6) }
                UTF8.encode(unicode) { out.append($0) }
            default: out.append(code)  // \" \\ \/
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else {
            throw syntax("invalid UTF-8 in a string", at: token.start)
        }
        return text
    }

    private func hex4(at offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in offset..<offset + 4 {
            let byte = bytes[index]
            let digit: UInt8 = byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : (byte | 0x20) - UInt8(ascii: "a") + 10
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || ((byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "f"))
    }

    // MARK: Numbers and literals

    /// Reads a number token per the JSON grammar; returns its byte range and whether it is
    /// written as an integer (no fraction or exponent).
    mutating func numberToken() throws(SyncError) -> (start: Int, end: Int, integer: Bool) {
        let start = position
        var integer = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        func digits() -> Int {
            var count = 0
            while has(position), bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
                position += 1
                count += 1
            }
            return count
        }
        let leading = position
        let whole = digits()
        guard whole > 0 else { throw syntax("invalid number", at: start) }
        if whole > 1 && bytes[leading] == UInt8(ascii: "0") { throw syntax("invalid number (leading zero)", at: start) }
        if has(position), bytes[position] == UInt8(ascii: ".") {
            integer = false
            position += 1
            guard digits() > 0 else { throw syntax("invalid number", at: start) }
        }
        if has(position), bytes[position] | 0x20 == UInt8(ascii: "e") {
            integer = false
            position += 1
            if has(position), bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw syntax("invalid number", at: start) }
        }
        return (start, position, integer)
    }

    /// The text of `start..<end` (a number token, for messages).
    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<min(end, start + 40)]), as: UTF8.self)
    }

    /// Reads `true`, `false` or `null`.
    mutating func literal() throws(SyncError) -> Bool? {
        if matches("true") { return true }
        if matches("false") { return false }
        if matches("null") { return nil }
        throw syntax("unexpected \(describeByte(at: position))")
    }

    /// Consumes `word` when the input continues with it.
    private mutating func matches(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard has(position + count - 1), let base = bytes.baseAddress,
              memcmp(base + position, word.utf8Start, count) == 0 else { return false }
        position += count
        return true
    }

    // MARK: Any value

    /// Skips one value of any kind, checking its syntax; returns a short description of it for
    /// messages ("an array", `"text"`, `7`).
    @discardableResult
    mutating func skipValue() throws(SyncError) -> String {
        switch try kind() {
        case .object:
            try beginObject()
            var first = true
            while try nextKey(first: &first) != nil {
                try skipValue()
                release()
            }
            return "an object"
        case .array:
            try beginArray()
            var first = true
            while try nextElement(first: &first) {
                release()
                try skipValue()
            }
            return "an array"
        case .string:
            let token = try stringToken()
            return quoted(try string(token))
        case .number:
            let number = try numberToken()
            return text(number.start, number.end)
        case .bool, .null:
            switch try literal() {
            case true?: return "true"
            case false?: return "false"
            case nil: return "null"
            }
        }
    }

    // MARK: Typed values (problems reported, never thrown)

    /// A string, or nil (problem reported) for any other value.
    mutating func readString(_ key: String) throws(SyncError) -> String? {
        if try kind() == .string {
            // The token first: reading it may move the window, and `string` must see the new one.
            let token = try stringToken()
            return try string(token)
        }
        report("must be a string, got \(try skipValue())", key: key)
        return nil
    }

    /// A whole number in `range`, or nil (problem reported).
    mutating func readInt(_ key: String, in range: ClosedRange<Int64>, rangeText: String? = nil) throws(SyncError) -> Int64? {
        guard try kind() == .number else {
            report("must be a whole number, got \(try skipValue())", key: key)
            return nil
        }
        let number = try numberToken()
        let shown = text(number.start, number.end)
        guard number.integer else {
            report("must be a whole number, got \(shown)", key: key)
            return nil
        }
        // The digits are summed as a magnitude, which holds 2^63: negating an Int64 cannot
        // (-9223372036854775808 trapped here, and one such peer file stopped every sync).
        var magnitude: UInt64 = 0
        var index = number.start
        let negative = bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var overflow = false
        while index < number.end {
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(UInt64(bytes[index] - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = plus
            index += 1
        }
        let limit = negative ? UInt64(Int64.max) + 1 : UInt64(Int64.max)
        overflow = overflow || magnitude > limit
        let value = overflow ? 0 : (negative ? Int64(truncatingIfNeeded: 0 &- magnitude) : Int64(magnitude))
        guard !overflow, range.contains(value) else {
            report("must be \(rangeText ?? "\(range.lowerBound)-\(range.upperBound)"), got \(shown)", key: key)
            return nil
        }
        return value
    }

    /// A JSON number or null (an FSRS value the reader checks but recomputes).
    mutating func readOptionalNumber(_ key: String) throws(SyncError) {
        switch try kind() {
        case .number: _ = try numberToken()
        case .null: _ = try literal()
        default: report("must be a number or null, got \(try skipValue())", key: key)
        }
    }

    mutating func readBool(_ key: String) throws(SyncError) -> Bool? {
        if try kind() == .bool, let value = try literal() { return value }
        report("must be true or false, got \(try skipValue())", key: key)
        return nil
    }

    /// An ISO 8601 time (`2026-11-25T12:00:00.000Z`), or nil (problem reported). With
    /// `nullable`, null is allowed and also gives nil.
    mutating func readTime(_ key: String, nullable: Bool = false) throws(SyncError) -> Millis? {
        let found = try kind()
        if nullable && found == .null {
            _ = try literal()
            return nil
        }
        guard found == .string else {
            report("must be a time like \"2026-11-25T12:00:00.000Z\", got \(try skipValue())", key: key)
            return nil
        }
        let token = try stringToken()
        if !token.escaped, let millis = ISOTime.parse(raw(token)) { return millis }
        report("not a valid time: \(quoted(try string(token))) (expected e.g. \"2026-11-25T12:00:00.000Z\")", key: key)
        return nil
    }
}

/// `text` as a JSON string literal for messages, cut to 60 characters.
func quoted(_ text: String) -> String {
    let cut = text.count > 60 ? String(text.prefix(60)) + "…" : text
    var writer = ByteWriter(sink: MemorySink())
    writer.string(cut)
    try? writer.flush()
    return String(decoding: writer.sink.bytes, as: UTF8.self)
}
