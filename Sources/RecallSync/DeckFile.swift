import Foundation
import RecallModel
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
    /// Files of this size or more (2 GB) are refused before they are read: a sanity cap against
    /// garbage, not a limit on collections. The largest collection recall plans for, 100,000
    /// cards with 1,000,000 reviews, exports to about 193 MB (scripts/bench-sync.sh), so the
    /// tool's own export always reads back. Reading a file still takes memory in proportion to
    /// its size; users with a bigger file raise it (`--max-file-size` on `recall import` and
    /// `recall sync`), as the error says.
    public static let defaultSizeLimit = 2_000_000_000
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
    public var tombstones: [Tombstone]

    public init(decks: [Deck] = [], tombstones: [Tombstone] = []) {
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

        /// What the card's note says.
        public var content: CardContent { CardContent(kind: kind, front: front, back: back, tags: tags) }

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
}
