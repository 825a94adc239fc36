import RecallScheduler

/// One answer in a review log, the same value in every layer: the store's log, the deck files,
/// the merge. A review is known by its id wherever it goes (DESIGN.md invariant 1), so a union
/// of logs by id never loses or doubles one. In this field order it takes 40 bytes, and a
/// million of them are in memory during an export or a merge.
public struct Review: Sendable, Equatable, Hashable {
    /// When the answer was given (milliseconds since 1970, UTC).
    public var at: Millis
    /// How long the answer took, in milliseconds.
    public var durationMS: Int64
    public var id: ReviewID
    public var rating: Rating

    public init(id: ReviewID, at: Millis, rating: Rating, durationMS: Int64) {
        self.id = id
        self.at = at
        self.rating = rating
        self.durationMS = durationMS
    }

    /// Log order within one card: oldest first, then by id, as `ORDER BY reviewed_at, id`.
    public static func logOrder(_ a: Review, _ b: Review) -> Bool {
        a.at != b.at ? a.at < b.at : a.id < b.id
    }
}

/// A review id. recall's are UUIDv7 in lowercase (`019abc12-…`), kept as two integers so that
/// a million of them take 16 bytes each instead of a heap string; any other text is kept as is.
public enum ReviewID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case uuid(UInt64, UInt64)
    case text(String)

    /// Parses UTF-8 bytes; a canonical lowercase UUID becomes `.uuid`.
    public init(bytes: UnsafeRawBufferPointer) {
        if bytes.count == 36, let value = Self.parseUUID(bytes) {
            self = .uuid(value.0, value.1)
        } else {
            self = .text(String(decoding: bytes, as: UTF8.self))
        }
    }

    public init(_ text: String) {
        var text = text
        self = text.withUTF8 { ReviewID(bytes: UnsafeRawBufferPointer($0)) }
    }

    public var description: String {
        withUTF8 { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the id's text, formatted on the stack for UUIDs.
    public func withUTF8<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case var .text(text):
            return try text.withUTF8 { try body(UnsafeRawBufferPointer($0)) }
        case let .uuid(high, low):
            return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 36) { buffer in
                let hex: StaticString = "0123456789abcdef"
                let digits = hex.utf8Start
                func put(_ word: UInt64, bytes: Range<Int>, at start: Int) {
                    var index = start
                    for byte in bytes {
                        let value = Int((word >> UInt64(56 - 8 * byte)) & 0xFF)
                        buffer[index] = digits[value >> 4]
                        buffer[index + 1] = digits[value & 0xF]
                        index += 2
                    }
                }
                put(high, bytes: 0..<4, at: 0)
                buffer[8] = UInt8(ascii: "-")
                put(high, bytes: 4..<6, at: 9)
                buffer[13] = UInt8(ascii: "-")
                put(high, bytes: 6..<8, at: 14)
                buffer[18] = UInt8(ascii: "-")
                put(low, bytes: 0..<2, at: 19)
                buffer[23] = UInt8(ascii: "-")
                put(low, bytes: 2..<8, at: 24)
                return try body(UnsafeRawBufferPointer(buffer))
            }
        }
    }

    /// The order of the store's `ORDER BY id`: UUIDs by their bytes (the order of their text,
    /// since hex digits and hyphens sit at the same places), other ids by their text, byte by
    /// byte, and every other id before every UUID (the store keeps UUIDs as BLOBs, other ids as
    /// TEXT, and SQLite sorts TEXT before BLOB).
    public static func < (lhs: ReviewID, rhs: ReviewID) -> Bool {
        switch (lhs, rhs) {
        case let (.uuid(a, b), .uuid(c, d)): return (a, b) < (c, d)
        case (.text, .uuid): return true
        case (.uuid, .text): return false
        case let (.text(l), .text(r)): return l.utf8.lexicographicallyPrecedes(r.utf8)
        }
    }

    /// The two halves of a canonical lowercase UUID (`8-4-4-4-12` hex digits), or nil.
    private static func parseUUID(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        guard bytes.count == 36, bytes[8] == 0x2D, bytes[13] == 0x2D, bytes[18] == 0x2D, bytes[23] == 0x2D else { return nil }
        var invalid: UInt8 = 0
        func hex(_ range: Range<Int>, into value: inout UInt64) {
            for index in range {
                let byte = bytes[index]
                let digit = byte &- 0x30 < 10 ? byte &- 0x30 : byte &- 0x61 &+ 10
                invalid |= (byte &- 0x30 < 10 || byte &- 0x61 < 6) ? 0 : 1
                value = value << 4 | UInt64(digit & 0xF)
            }
        }
        var high: UInt64 = 0
        var low: UInt64 = 0
        hex(0..<8, into: &high)
        hex(9..<13, into: &high)
        hex(14..<18, into: &high)
        hex(19..<23, into: &low)
        hex(24..<36, into: &low)
        return invalid == 0 ? (high, low) : nil
    }
}
