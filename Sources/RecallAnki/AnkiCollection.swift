/// An Anki collection as read from a package, or as about to be written into one: the parts
/// recall maps to and from its own store, in Anki's own units (ids and revlog times in
/// milliseconds, modification times in seconds, day numbers counted from `createdAt`).
/// Reading (`AnkiPackageReader`) and writing (`AnkiPackageWriter`) share this one model, so
/// that a round trip Anki -> recall -> Anki has one vocabulary to keep.
public struct AnkiCollection: Sendable, Equatable {
    /// Collection schema: 11 (genanki, `collection.anki2`/`.anki21`) or 18 (`collection.anki21b`).
    public var schemaVersion: Int
    /// `col.crt`: when the collection was created, at its day rollover, in unix seconds.
    /// Review day numbers (`AnkiCard.due` of review cards) count from this day.
    public var createdAt: Int64
    public var noteTypes: [AnkiNoteType]
    public var decks: [AnkiDeck]
    public var deckConfigs: [AnkiDeckConfig]
    public var notes: [AnkiNote]
    public var cards: [AnkiCard]
    public var revlog: [AnkiRevlogEntry]
    public var media: [AnkiMediaFile]
    /// The collection-level FSRS switch (`config.fsrs`); only a `.colpkg` carries it.
    public var fsrsEnabled: Bool?

    public init(
        schemaVersion: Int, createdAt: Int64, noteTypes: [AnkiNoteType] = [], decks: [AnkiDeck] = [],
        deckConfigs: [AnkiDeckConfig] = [], notes: [AnkiNote] = [], cards: [AnkiCard] = [],
        revlog: [AnkiRevlogEntry] = [], media: [AnkiMediaFile] = [], fsrsEnabled: Bool? = nil
    ) {
        self.schemaVersion = schemaVersion
        self.createdAt = createdAt
        self.noteTypes = noteTypes
        self.decks = decks
        self.deckConfigs = deckConfigs
        self.notes = notes
        self.cards = cards
        self.revlog = revlog
        self.media = media
        self.fsrsEnabled = fsrsEnabled
    }
}

/// A note type: its fields in order and the templates that make its cards.
public struct AnkiNoteType: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case standard, cloze }
    public var id: Int64
    public var name: String
    public var kind: Kind
    public var fieldNames: [String]
    public var templates: [AnkiCardTemplate]
    public var css: String

    public init(id: Int64, name: String, kind: Kind, fieldNames: [String], templates: [AnkiCardTemplate], css: String = "") {
        self.id = id
        self.name = name
        self.kind = kind
        self.fieldNames = fieldNames
        self.templates = templates
        self.css = css
    }
}

/// One card template of a note type (`qfmt`/`afmt` in schema 11).
public struct AnkiCardTemplate: Sendable, Equatable {
    public var name: String
    public var questionFormat: String
    public var answerFormat: String

    public init(name: String, questionFormat: String, answerFormat: String) {
        self.name = name
        self.questionFormat = questionFormat
        self.answerFormat = answerFormat
    }
}

/// A deck. `nameParts` is the hierarchy (`["Python", "Concurrency"]`): schema 11 joins it
/// with `::`, schema 18 with `\u{1f}`.
public struct AnkiDeck: Sendable, Equatable {
    public var id: Int64
    public var nameParts: [String]
    /// The options group (`dconf`/`deck_config` id); nil for filtered decks.
    public var configID: Int64?

    public init(id: Int64, nameParts: [String], configID: Int64?) {
        self.id = id
        self.nameParts = nameParts
        self.configID = configID
    }

    /// The deck's name as recall writes deck names (`Python::Concurrency`).
    public var name: String { nameParts.joined(separator: "::") }
}

/// The deck options that map to recall's.
public struct AnkiDeckConfig: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var newPerDay: Int
    public var reviewsPerDay: Int
    /// Learning and relearning steps, in minutes.
    public var learningSteps: [Double]
    public var relearningSteps: [Double]
    public var maximumInterval: Int
    /// FSRS: desired retention and the parameters (empty: Anki's defaults).
    public var desiredRetention: Double
    public var fsrsParameters: [Double]

    public init(
        id: Int64, name: String, newPerDay: Int, reviewsPerDay: Int, learningSteps: [Double],
        relearningSteps: [Double], maximumInterval: Int, desiredRetention: Double, fsrsParameters: [Double]
    ) {
        self.id = id
        self.name = name
        self.newPerDay = newPerDay
        self.reviewsPerDay = reviewsPerDay
        self.learningSteps = learningSteps
        self.relearningSteps = relearningSteps
        self.maximumInterval = maximumInterval
        self.desiredRetention = desiredRetention
        self.fsrsParameters = fsrsParameters
    }
}

/// A note: its fields (HTML) in its note type's field order.
public struct AnkiNote: Sendable, Equatable {
    public var id: Int64
    public var guid: String
    public var noteTypeID: Int64
    /// Last modification, unix seconds.
    public var modified: Int64
    /// Tags as Anki spells them (hierarchical tags keep their `::`).
    public var tags: [String]
    public var fields: [String]

    public init(id: Int64, guid: String, noteTypeID: Int64, modified: Int64, tags: [String], fields: [String]) {
        self.id = id
        self.guid = guid
        self.noteTypeID = noteTypeID
        self.modified = modified
        self.tags = tags
        self.fields = fields
    }
}

/// A card row, with Anki's scheduling columns as they are (see fixtures/anki/README.md).
public struct AnkiCard: Sendable, Equatable {
    public var id: Int64
    public var noteID: Int64
    public var deckID: Int64
    /// Template index; for a cloze note, the cloze number - 1.
    public var ordinal: Int
    public var modified: Int64
    /// 0 new, 1 learning, 2 review, 3 relearning.
    public var type: Int
    /// 0 new, 1 intraday (re)learning, 2 review, 3 interday learning, -1 suspended, -2/-3 buried.
    public var queue: Int
    /// New: position. Queue 1: unix seconds. Queue 2/3: day number from `createdAt`.
    public var due: Int64
    public var interval: Int
    public var factor: Int
    public var reps: Int
    public var lapses: Int
    public var left: Int
    public var originalDue: Int64
    public var originalDeckID: Int64
    /// The flag colour, 0 for none (the low 3 bits of `cards.flags`).
    public var flags: Int
    /// `cards.data`: JSON with the FSRS memory state (`s`, `d`, `dr`, `decay`, `lrt`), or "".
    public var data: String

    public init(
        id: Int64, noteID: Int64, deckID: Int64, ordinal: Int, modified: Int64, type: Int, queue: Int, due: Int64,
        interval: Int, factor: Int, reps: Int, lapses: Int, left: Int, originalDue: Int64 = 0,
        originalDeckID: Int64 = 0, flags: Int = 0, data: String = ""
    ) {
        self.id = id
        self.noteID = noteID
        self.deckID = deckID
        self.ordinal = ordinal
        self.modified = modified
        self.type = type
        self.queue = queue
        self.due = due
        self.interval = interval
        self.factor = factor
        self.reps = reps
        self.lapses = lapses
        self.left = left
        self.originalDue = originalDue
        self.originalDeckID = originalDeckID
        self.flags = flags
        self.data = data
    }
}

/// One `revlog` row.
public struct AnkiRevlogEntry: Sendable, Equatable {
    /// When the answer was given, unix milliseconds (the row id).
    public var id: Int64
    public var cardID: Int64
    /// 1-4 Again/Hard/Good/Easy; 0 for manual entries.
    public var ease: Int
    /// Days when positive, seconds when negative.
    public var interval: Int64
    public var lastInterval: Int64
    public var factor: Int
    public var timeMS: Int64
    /// 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled.
    public var type: Int

    public init(id: Int64, cardID: Int64, ease: Int, interval: Int64, lastInterval: Int64, factor: Int, timeMS: Int64, type: Int) {
        self.id = id
        self.cardID = cardID
        self.ease = ease
        self.interval = interval
        self.lastInterval = lastInterval
        self.factor = factor
        self.timeMS = timeMS
        self.type = type
    }
}

/// A media file of a package: its name as notes refer to it and the zip entry holding it.
public struct AnkiMediaFile: Sendable, Equatable {
    public var name: String
    public var zipEntry: String
    public var size: Int
    /// SHA-1 of the content when the package lists it (modern packages), else nil.
    public var sha1: [UInt8]?

    public init(name: String, zipEntry: String, size: Int, sha1: [UInt8]? = nil) {
        self.name = name
        self.zipEntry = zipEntry
        self.size = size
        self.sha1 = sha1
    }
}
