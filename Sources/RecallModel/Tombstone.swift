import RecallScheduler

/// One deletion, kept so that sync can pass it on (DESIGN.md invariant 4): a card or note by
/// its guid, a deck by its id.
public struct Tombstone: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case card, note, deck }
    /// The card or note guid, or the deck's id (its name in files of format 1).
    public var id: String
    public var kind: Kind
    /// When it was deleted (milliseconds since 1970, UTC).
    public var deleted: Millis
    /// For a deck: the deck as it was when deleted (its name and options, with their times). A
    /// card added to the deck on another store before that store learnt of the deletion brings
    /// the deck back, and it comes back as this says on every store, whichever of them still
    /// had a version of it. Nil for cards and notes, and for decks deleted before recall kept it.
    public var deck: DeckSnapshot?
    /// For a card: the card as it was when deleted, for the same reason (a review or an edit made
    /// elsewhere after the deletion brings the card back, and its marks, text and deck from
    /// before the deletion come back the same on every store). Nil for notes, and for cards
    /// deleted before recall kept it.
    public var card: CardSnapshot?

    public init(id: String, kind: Kind, deleted: Millis, deck: DeckSnapshot? = nil, card: CardSnapshot? = nil) {
        self.id = id
        self.kind = kind
        self.deleted = deleted
        self.deck = deck
        self.card = card
    }
}

/// A card's fields that merge (everything but its reviews and schedule), each with its time.
public struct CardSnapshot: Sendable, Equatable, Hashable {
    /// The note guid.
    public var note: String
    /// The deck's id.
    public var deck: String
    public var ordinal: Int
    public var content: CardContent
    public var created: Millis
    /// When the note's text last changed.
    public var modified: Millis
    /// When the card last changed deck.
    public var moved: Millis
    public var marks: CardMarks
    public var origin: NoteOrigin?
    /// The card's reviews when it was deleted (and any learnt since): a card that a later change
    /// elsewhere brings back gets them back, on every store, in the same sync.
    public var reviews: [Review]

    public init(note: String, deck: String, ordinal: Int, content: CardContent, created: Millis, modified: Millis,
                moved: Millis, marks: CardMarks, origin: NoteOrigin?, reviews: [Review] = []) {
        self.reviews = reviews
        self.note = note
        self.deck = deck
        self.ordinal = ordinal
        self.content = content
        self.created = created
        self.modified = modified
        self.moved = moved
        self.marks = marks
        self.origin = origin
    }
}

/// A deck's name and options with the times they were set: what merges between versions of a
/// deck (newest name, newest options).
public struct DeckSnapshot: Sendable, Equatable, Hashable {
    public var name: String
    /// When the deck got this name.
    public var renamed: Millis
    /// Option overrides (key → text, as `recall config --deck` sets them).
    public var config: [String: String]
    /// When the options were last set.
    public var modified: Millis

    public init(name: String, renamed: Millis, config: [String: String], modified: Millis) {
        self.name = name
        self.renamed = renamed
        self.config = config
        self.modified = modified
    }
}
