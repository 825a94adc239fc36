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
    /// The version this recall writes. Version 2 gives decks ids and cards a time per field
    /// (issue 13); version 1 files, from older stores, are read too (`DeckReader`).
    public static let version = 2
    /// The versions this recall reads.
    public static let readableVersions: ClosedRange<Int64> = 1...2
    /// Files of this size or more (2 GB) are refused before they are read: a sanity cap against
    /// garbage, not a limit on collections. The largest collection recall plans for, 100,000
    /// cards with 1,000,000 reviews, exports to about 193 MB (scripts/bench-sync.sh), so the
    /// tool's own export always reads back. Import and sync read a file as a stream
    /// (`DeckFileStream`: about 40 bytes of memory a card, whatever the file's size); users with
    /// a bigger file raise the cap (`--max-file-size` on `recall import` and `recall sync`), as
    /// the error says.
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
    /// The media files the cards refer to (by name), with the content each name stands for; the
    /// files themselves are beside the deck file, in `media/<sha256>` (`MediaTransfer`).
    public var media: [MediaFile] = []

    public init(decks: [Deck] = [], tombstones: [Tombstone] = [], media: [MediaFile] = []) {
        self.decks = decks
        self.tombstones = tombstones
        self.media = media
    }

    public struct Deck: Sendable, Equatable {
        /// The deck's identity across stores, kept through renames (`DeckName.stableID` of its
        /// name in files of version 1, which had none).
        public var id: String
        public var name: String
        /// When the deck got its name (newest wins in a merge, apart from the options).
        public var renamed: Millis
        /// Option overrides, as `recall config --deck` stores them (key → text).
        public var config: [String: String]
        /// The last change to the options (newest wins in a merge). 0 when the file has none.
        public var modified: Millis
        public var cards: [Card]

        public init(id: String? = nil, name: String, renamed: Millis? = nil, config: [String: String] = [:],
                    modified: Millis = 0, cards: [Card] = []) {
            self.id = id ?? DeckName.stableID(name)
            self.name = name
            self.renamed = renamed ?? modified
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
        /// The last change to the note's text: front, back, tags and origin (newest wins in a
        /// merge). In files of version 1, the later of that and the card's suspension.
        public var modified: Millis
        /// Suspension, flag and burying, each with its time (each newest wins in a merge).
        public var marks: CardMarks
        public var suspended: Bool {
            get { marks.suspended }
            set { marks.suspended = newValue }
        }
        /// Oldest first. Empty in files exported with `--no-history`.
        public var reviews: [Review]
        /// The note's source file and re-import keys (`origin`); nil for a card not imported from one.
        public var origin: NoteOrigin?
        /// When the card last changed deck, as a rename moves it (newest wins in a merge, apart
        /// from `modified`); nil when the file has none: the card never moved since `created`.
        public var moved: Millis?
        /// The state replay starts from (`checkpoint`, docs/json.md): an imported Anki card's,
        /// whose state is not the replay of its reviews. Nil for most cards.
        public var checkpoint: CardCheckpoint?

        /// What the card's note says.
        public var content: CardContent { CardContent(kind: kind, front: front, back: back, tags: tags) }

        /// The card's fields that merge, in deck `deck` (an id), with its reviews.
        public func snapshot(deck: String) -> CardSnapshot {
            CardSnapshot(note: note, deck: deck, ordinal: ordinal, content: content, created: created, modified: modified,
                         moved: movedAt, marks: marks, origin: origin, reviews: reviews)
        }

        /// When the card last changed deck, never before `created`.
        public var movedAt: Millis { max(moved ?? created, created) }

        public init(
            id: String, note: String, kind: NoteKind = .basic, ordinal: Int = 1, front: String, back: String,
            tags: [String] = [], created: Millis, modified: Millis, suspended: Bool = false, reviews: [Review] = [],
            origin: NoteOrigin? = nil, moved: Millis? = nil, marks: CardMarks? = nil
        ) {
            self.moved = moved
            var marks = marks ?? CardMarks.unmarked(at: created)
            if marks.suspended != suspended && suspended {
                marks.suspended = true
                marks.suspendedAt = max(marks.suspendedAt, modified)
            }
            self.marks = marks
            self.id = id
            self.note = note
            self.kind = kind
            self.ordinal = ordinal
            self.front = front
            self.back = back
            self.tags = tags
            self.created = created
            self.modified = modified
            self.reviews = reviews
            self.origin = origin
        }
    }
}
