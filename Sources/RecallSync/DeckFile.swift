import Foundation
import RecallScheduler
import RecallStore

/// A recall deck file (`docs/json.md`, "Deck files"; schema in `docs/recall-deck.schema.json`):
/// decks with their option overrides and cards, each card with its review log, and the
/// deletions sync passes on. What `recall export` writes and `recall import` / `recall sync` read.
public struct DeckFile: Sendable, Equatable {
    /// The `format` member every deck file carries.
    public static let format = "recall-deck"
    /// The one version this recall reads and writes.
    public static let version = 1
    /// Files of this size or more (200 MB) are refused before they are read: reading one costs
    /// memory in proportion to its size. The largest collection recall plans for, 100,000 cards
    /// with 1,000,000 reviews, exports to about 193 MB (scripts/bench-sync.sh). Users with a
    /// bigger collection raise it (`--max-file-size` on `recall import` and `recall sync`).
    public static let defaultSizeLimit = 200_000_000
    /// The largest limit `parseSize` accepts: 1 TB.
    public static let maximumSizeLimit = 1_000_000_000_000

    /// A size as users write it: a number with an optional decimal unit, `B`, `KB`/`K`, `MB`/`M`
    /// or `GB`/`G` (any case, 1 KB = 1000 bytes, as sizes are shown): `300MB`, `1.5 GB`, `250000000`.
    /// Nil for anything else, for 0, and for more than `maximumSizeLimit`.
    public static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let number = trimmed.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        let unit = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        let multipliers: [String: Double] = ["": 1, "b": 1, "k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9]
        guard let multiplier = multipliers[unit], !number.isEmpty, number.filter({ $0 == "." }).count <= 1,
              number.first != ".", number.last != ".", let value = Double(number)
        else { return nil }
        let bytes = (value * multiplier).rounded(.down)
        guard bytes >= 1, bytes <= Double(maximumSizeLimit) else { return nil }
        return Int(bytes)
    }

    public var decks: [Deck]
    public var tombstones: [SyncTombstone]

    public init(decks: [Deck] = [], tombstones: [SyncTombstone] = []) {
        self.decks = decks
        self.tombstones = tombstones
    }

    public struct Deck: Sendable, Equatable {
        public var name: String
        /// Option overrides, as `recall config --deck` stores them (key → text).
        public var config: [String: String]
        /// The last change to the options (newest wins in a merge). 0 when the file has none.
        public var modified: Millis
        public var cards: [Card]

        public init(name: String, config: [String: String] = [:], modified: Millis = 0, cards: [Card] = []) {
            self.name = name
            self.config = config
            self.modified = modified
            self.cards = cards
        }
    }

    public struct Card: Sendable, Equatable {
        /// The card guid: its identity across stores.
        public var id: String
        /// The note guid; sibling cards (reversed, cloze) share it.
        public var note: String
        public var kind: NoteKind
        public var ordinal: Int
        public var front: String
        public var back: String
        public var tags: [String]
        public var created: Millis
        /// The later of the card's and its note's last change (newest wins in a merge).
        public var modified: Millis
        public var suspended: Bool
        /// Oldest first. Empty in files exported with `--no-history`.
        public var reviews: [Review]
        /// The note's source file and re-import keys (`origin`); nil for a card not imported from one.
        public var origin: NoteOrigin?
        /// When the card last changed deck, as a rename moves it (newest wins in a merge, apart
        /// from `modified`); nil when the file has none: the card never moved since `created`.
        public var moved: Millis?

        /// When the card last changed deck, never before `created`.
        public var movedAt: Millis { max(moved ?? created, created) }

        public init(
            id: String, note: String, kind: NoteKind = .basic, ordinal: Int = 1, front: String, back: String,
            tags: [String] = [], created: Millis, modified: Millis, suspended: Bool = false, reviews: [Review] = [],
            origin: NoteOrigin? = nil, moved: Millis? = nil
        ) {
            self.moved = moved
            self.id = id
            self.note = note
            self.kind = kind
            self.ordinal = ordinal
            self.front = front
            self.back = back
            self.tags = tags
            self.created = created
            self.modified = modified
            self.suspended = suspended
            self.reviews = reviews
            self.origin = origin
        }
    }

    public struct Review: Sendable, Equatable {
        // In this order they take 40 bytes instead of 48: a million of them are in memory.
        public var at: Millis
        public var durationMS: Int64
        public var id: ReviewID
        public var rating: Rating

        public init(id: ReviewID, at: Millis, rating: Rating, durationMS: Int64) {
            self.id = id
            self.at = at
            self.rating = rating
            self.durationMS = durationMS
        }
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

    /// Order of the text, byte by byte, as SQLite's `ORDER BY id` sorts it. For two UUIDs that
    /// is the order of the numbers, since hex digits and hyphens sit at the same places.
    public static func < (lhs: ReviewID, rhs: ReviewID) -> Bool {
        if case let .uuid(a, b) = lhs, case let .uuid(c, d) = rhs { return (a, b) < (c, d) }
        return lhs.withUTF8 { l in rhs.withUTF8 { r in l.lexicographicallyPrecedes(r) } }
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
