import Foundation
import RecallModel
import RecallScheduler

// Store-level reads and writes for RecallSync (export, JSON import, folder sync). They work on
// whole tables with one streaming query each and on prepared statements reused for every row,
// because a store can hold 100,000 cards and 1,000,000 reviews (BENCHMARKS.md targets).

// MARK: - Rows as sync sees them

/// A deck row with its option overrides decoded.
public struct SyncDeck: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// The deck's own option overrides (`decks.config`), key → text as `recall config` stores it.
    public var config: [String: String]
    public var created: Millis
    public var modified: Millis
}

/// A card with its note, in the columns an export file needs.
public struct SyncCard: Sendable, Equatable {
    public var id: Int64
    public var guid: String
    public var noteID: Int64
    public var noteGUID: String
    public var deckID: Int64
    public var kind: NoteKind
    public var ordinal: Int
    public var front: String
    public var back: String
    public var tags: [String]
    public var created: Millis
    /// `cards.modified` and `notes.modified`: the file's `modified` is the later of the two.
    public var cardModified: Millis
    public var noteModified: Millis
    public var suspended: Bool
    public var state: CardState
    /// The note's source and matching keys; nil for a note not imported from a source.
    public var origin: NoteOrigin?
    /// When the card last changed deck (`cards.moved`), never before `created`: `created` when it
    /// has stayed in the deck it was created in.
    public var moved: Millis

    public var modified: Millis { max(cardModified, noteModified) }
}

extension Store {
    /// Option overrides as stored in `decks.config`: compact JSON, keys sorted.
    public static func configText(_ overrides: [String: String]) -> String { encodeOverrides(overrides) }

    /// This store's identity as a sync peer (`settings.device_id`, made by the first migration).
    /// A store without one (hand-made) gets one now, so its sync file keeps one name.
    public func deviceID() throws(StoreError) -> String {
        if let id = try setting("device_id"), !id.isEmpty { return id }
        let id = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        try setSetting("device_id", id)
        return id
    }

    public func syncDecks() throws(StoreError) -> [SyncDeck] {
        try db.rows("SELECT id, name, config, created, modified FROM decks ORDER BY id") { row in
            SyncDeck(id: row.int64Value(0), name: row.textValue(1), config: Self.decodeOverrides(row.textValue(2)),
                     created: row.int64Value(3), modified: row.int64Value(4))
        }
    }

    /// Every card with its note, in one query, by guid (as UTF-8 bytes: the order of deck files).
    public func syncCards() throws(StoreError) -> [SyncCard] {
        let statement = try db.prepare(
            """
            SELECT c.id, c.guid, n.id, n.guid, c.deck_id, n.kind, c.ordinal, n.front, n.back, n.tags, c.created,
                   c.modified, n.modified, c.suspended, c.\(Self.stateColumns.replacingOccurrences(of: ", ", with: ", c.")),
                   n.source, n.source_line, n.identity, n.answer_key, n.source_hash, max(coalesce(c.moved, c.created), c.created)
            FROM cards c JOIN notes n ON n.id = c.note_id ORDER BY c.guid
            """)
        var cards: [SyncCard] = []
        while try statement.step() {
            var origin: NoteOrigin?
            if let file = statement.text(24) {
                origin = NoteOrigin(file: file, line: statement.int(25), questionKey: statement.textValue(26),
                                    answerKey: statement.textValue(27), contentKey: statement.textValue(28))
            }
            cards.append(SyncCard(
                id: statement.int64Value(0), guid: statement.textValue(1), noteID: statement.int64Value(2),
                noteGUID: statement.textValue(3), deckID: statement.int64Value(4),
                kind: NoteKind(rawValue: statement.textValue(5)) ?? .basic, ordinal: statement.intValue(6),
                front: statement.textValue(7), back: statement.textValue(8), tags: Tags.decode(statement.textValue(9)),
                created: statement.int64Value(10), cardModified: statement.int64Value(11),
                noteModified: statement.int64Value(12), suspended: statement.intValue(13) != 0,
                state: Self.readState(statement, from: 14), origin: origin, moved: statement.int64Value(29)))
        }
        return cards
    }

    public func syncTombstones() throws(StoreError) -> [Tombstone] {
        try db.rows("SELECT id, kind, deleted FROM tombstones ORDER BY id") { row in
            Tombstone(id: row.textValue(0), kind: Tombstone.Kind(rawValue: row.textValue(1)) ?? .card,
                          deleted: row.int64Value(2))
        }
    }

    /// Calls `body` for every review, grouped by card and oldest first within a card
    /// (`card_id, reviewed_at, id`), with the id as bytes valid only during the call.
    public func forEachReview(
        _ body: (_ cardID: Int64, _ id: UnsafeRawBufferPointer, _ at: Millis, _ rating: Int, _ durationMS: Int64) throws -> Void
    ) throws {
        let statement = try db.prepare(
            "SELECT card_id, id, reviewed_at, rating, duration_ms FROM review_log ORDER BY card_id, reviewed_at, id")
        while try statement.step() {
            let cardID = statement.int64Value(0)
            let at = statement.int64Value(2)
            let rating = statement.intValue(3)
            let duration = statement.int64Value(4)
            try statement.withUTF8(1) { try body(cardID, $0, at, rating, duration) }
        }
    }

    /// How many reviews the log holds (to size what a whole-log read collects).
    public func reviewCount() throws(StoreError) -> Int {
        Int(try db.scalarInt("SELECT count(*) FROM review_log") ?? 0)
    }

    /// Calls `body` for every review in table order (no sorting: the cheapest full read).
    public func forEachReviewUnordered(
        _ body: (_ cardID: Int64, _ id: UnsafeRawBufferPointer, _ at: Millis, _ rating: Int, _ durationMS: Int64) throws -> Void
    ) throws {
        let statement = try db.prepare("SELECT card_id, id, reviewed_at, rating, duration_ms FROM review_log")
        while try statement.step() {
            let cardID = statement.int64Value(0)
            let at = statement.int64Value(2)
            let rating = statement.intValue(3)
            let duration = statement.int64Value(4)
            try statement.withUTF8(1) { try body(cardID, $0, at, rating, duration) }
        }
    }

    /// Sets this connection up for reading or writing a whole collection at once. SQLite reads
    /// through its page cache instead of a memory map (a map of the whole file would count
    /// every page read toward this process's memory), with a cache of `cacheMegabytes`.
    public func prepareForBulkWork(cacheMegabytes: Int) throws(StoreError) {
        try db.execute("PRAGMA mmap_size = 0; PRAGMA cache_size = -\(max(cacheMegabytes, 2) * 1024)")
    }

    /// The reviews of a few cards, oldest first per card, by one indexed query per card.
    public func syncReviews(ofCards ids: [Int64]) throws(StoreError) -> [Int64: [Review]] {
        let statement = try db.prepare(
            "SELECT id, reviewed_at, rating, duration_ms FROM review_log WHERE card_id = ? ORDER BY reviewed_at, id")
        var result: [Int64: [Review]] = [:]
        for id in ids {
            try statement.bind(int: id, at: 1)
            var reviews: [Review] = []
            while try statement.step() {
                reviews.append(Review(
                    id: statement.withUTF8(0) { ReviewID(bytes: $0) }, at: statement.int64Value(1),
                    rating: Rating(rawValue: statement.intValue(2)) ?? .again, durationMS: statement.int64Value(3)))
            }
            statement.reset()
            if !reviews.isEmpty { result[id] = reviews }
        }
        return result
    }

    /// A digest of everything an export contains: decks, notes, cards with their state,
    /// tombstones, and the review log's size and newest row. Sync compares it with the digest it
    /// recorded after the last sync to skip a folder when neither side changed. The review log is
    /// append-only apart from undo and deletions, which change its count or its newest row.
    public func syncFingerprint() throws(StoreError) -> String {
        var hash = FNV64()
        let decks = try db.prepare("SELECT id, name, config, modified FROM decks ORDER BY id")
        while try decks.step() { hash.row(decks, columns: 4) }
        let notes = try db.prepare(
            """
            SELECT id, guid, deck_id, kind, front, back, tags, modified, source, source_line, identity, answer_key, source_hash
            FROM notes ORDER BY id
            """)
        while try notes.step() { hash.row(notes, columns: 13) }
        let cards = try db.prepare(
            "SELECT id, guid, note_id, deck_id, ordinal, created, modified, suspended, \(Self.stateColumns), moved FROM cards ORDER BY id")
        while try cards.step() { hash.row(cards, columns: 19) }
        let tombstones = try db.prepare("SELECT id, kind, deleted FROM tombstones ORDER BY id")
        while try tombstones.step() { hash.row(tombstones, columns: 3) }
        let log = try db.prepare(
            """
            SELECT count(*), max(rowid), total(reviewed_at),
                   (SELECT id || ' ' || card_id FROM review_log ORDER BY rowid DESC LIMIT 1) FROM review_log
            """)
        if try log.step() { hash.row(log, columns: 4) }
        return String(hash.value, radix: 16)
    }
}


// MARK: - Multi-row inserts

/// Rows collected and inserted many to a statement (`INSERT … VALUES (…), (…), …`). One
/// statement per row costs far more than the row itself: each statement opens its cursors
/// anew, and with the full-text index written in the transaction each one also makes FTS5
/// flush its pending terms. A merge of a million reviews goes from seconds to a fraction.
final class InsertBatch {
    enum Value {
        case null
        case int(Int64)
        case double(Double)
        case text(String)
    }

    private let db: Database
    private let head: String
    private let row: String
    let columns: Int
    let rowsPerStatement: Int
    private(set) var values: [Value] = []
    private var full: Statement?

    /// `head` is `INSERT … INTO t(c1, c2, …) VALUES `, `row` one row's `(?, ?, …)` with
    /// `columns` placeholders.
    init(db: Database, head: String, row: String, columns: Int, rowsPerStatement: Int) {
        self.db = db
        self.head = head
        self.row = row
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        values.reserveCapacity(columns * rowsPerStatement)
    }

    var rows: Int { values.count / columns }
    var isFull: Bool { rows >= rowsPerStatement }

    func add(int value: Int64) { values.append(.int(value)) }
    func add(optionalInt value: Int64?) { values.append(value.map { .int($0) } ?? .null) }
    func add(optionalDouble value: Double?) { values.append(value.map { .double($0) } ?? .null) }
    func add(text value: String) { values.append(.text(value)) }

    /// Inserts the collected rows; returns how many rows the statement changed.
    @discardableResult
    func flush() throws(StoreError) -> Int {
        let count = rows
        guard count > 0 else { return 0 }
        let statement: Statement
        if count == rowsPerStatement, let full {
            statement = full
        } else {
            statement = try db.prepare(head + Array(repeating: row, count: count).joined(separator: ", "))
            if count == rowsPerStatement { full = statement }
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try statement.bindNull(at: index)
            case let .int(v): try statement.bind(int: v, at: index)
            case let .double(v): try statement.bind(optionalDouble: v, at: index)
            case let .text(v): try statement.bind(text: v, at: index)
            }
        }
        try statement.runAndReset()
        values.removeAll(keepingCapacity: true)
        return db.changes
    }
}

/// New reviews waiting to be inserted, many to a statement like `InsertBatch`, but kept as
/// typed rows: a merge can insert a million of them, and per-value bookkeeping would cost more
/// than SQLite does.
final class ReviewBatch {
    struct Row {
        var idStart: Int
        var idCount: Int
        var cardID: Int64
        var at: Millis
        var rating: Int64
        var durationMS: Int64
        var before: CardState
        var suspended: Bool
    }

    static let head = """
        INSERT OR IGNORE INTO review_log(id, card_id, reviewed_at, rating, duration_ms, undoable,
            prev_phase, prev_due, prev_stability, prev_difficulty, prev_reps, prev_lapses, prev_last_review,
            prev_step, prev_interval_days, prev_ease, prev_suspended) VALUES
        """
    static let row = "(?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    static let columns: Int32 = 16
    let rowsPerStatement = 500
    private let db: Database
    private(set) var rows: [Row] = []
    private var ids: [UInt8] = []
    private var full: Statement?

    init(db: Database) {
        self.db = db
        rows.reserveCapacity(rowsPerStatement)
        ids.reserveCapacity(rowsPerStatement * 36)
    }

    var isFull: Bool { rows.count >= rowsPerStatement }

    func add(id: UnsafeRawBufferPointer, cardID: Int64, at: Millis, rating: Int64, durationMS: Int64, before: CardState, suspended: Bool) {
        rows.append(Row(idStart: ids.count, idCount: id.count, cardID: cardID, at: at, rating: rating, durationMS: durationMS,
                        before: before, suspended: suspended))
        ids.append(contentsOf: id)
    }

    func id(of row: Row) -> [UInt8] { Array(ids[row.idStart..<row.idStart + row.idCount]) }

    /// Inserts the rows; returns how many were inserted (an id already in the log is skipped).
    func flush() throws(StoreError) -> Int {
        let count = rows.count
        guard count > 0 else { return 0 }
        let statement: Statement
        if count == rowsPerStatement, let full {
            statement = full
        } else {
            statement = try db.prepare(Self.head + " " + Array(repeating: Self.row, count: count).joined(separator: ", "))
            if count == rowsPerStatement { full = statement }
        }
        let result = ids.withUnsafeBytes { idBytes in
            Result { () throws(StoreError) in
                for (number, row) in rows.enumerated() {
                    let first = Int32(number) * Self.columns + 1
                    try statement.bind(utf8: UnsafeRawBufferPointer(rebasing: idBytes[row.idStart..<row.idStart + row.idCount]), at: first)
                    try statement.bind(int: row.cardID, at: first + 1)
                    try statement.bind(int: row.at, at: first + 2)
                    try statement.bind(int: row.rating, at: first + 3)
                    try statement.bind(int: row.durationMS, at: first + 4)
                    try bindState(row.before, to: statement, from: first + 5)
                    try statement.bind(int: row.suspended ? 1 : 0, at: first + 15)
                }
                try statement.runAndReset()
            }
        }
        try result.get()
        return db.changes
    }

    func clear() {
        rows.removeAll(keepingCapacity: true)
        ids.removeAll(keepingCapacity: true)
    }
}

/// Binds the ten `CardState` columns, in `Store.stateColumns` order, from parameter `first`.
func bindState(_ state: CardState, to s: Statement, from first: Int32) throws(StoreError) {
    switch state.phase {
    case .new: try s.bind(static: "new", at: first)
    case .learning: try s.bind(static: "learning", at: first)
    case .review: try s.bind(static: "review", at: first)
    case .relearning: try s.bind(static: "relearning", at: first)
    }
    try s.bind(optionalInt: state.due, at: first + 1)
    try s.bind(optionalDouble: state.stability, at: first + 2)
    try s.bind(optionalDouble: state.difficulty, at: first + 3)
    try s.bind(int: Int64(state.reps), at: first + 4)
    try s.bind(int: Int64(state.lapses), at: first + 5)
    try s.bind(optionalInt: state.lastReview, at: first + 6)
    try s.bind(int: Int64(state.step), at: first + 7)
    try s.bind(int: Int64(state.intervalDays), at: first + 8)
    try s.bind(optionalDouble: state.ease, at: first + 9)
}

// MARK: - Writing

/// The writes of a merge: prepared statements for updates, and batches for new notes, cards and
/// reviews, which wait until a batch is full (or `flush`). Create it inside `Store.write { }` and
/// call `flush` before the transaction ends; every change commits with the transaction
/// (DESIGN.md invariant 3). Any method other than the three inserts flushes the batches first.
public final class SyncWriter {
    let store: Store
    private let updateDeckStatement: Statement
    private let insertDeckStatement: Statement
    private let updateNoteStatement: Statement
    private let updateCardStatement: Statement
    private let stateStatement: Statement
    private let tombstoneStatement: Statement
    private let notes: InsertBatch
    private let cards: InsertBatch
    private let reviews: ReviewBatch
    private var nextNoteID: Int64
    private var nextCardID: Int64
    /// Reviews actually inserted (a review whose id is already in the log is not).
    public private(set) var reviewsInserted = 0
    /// Cards one of whose new reviews was not inserted because its id already belongs to another
    /// card's log: their state must be replayed from what the store holds.
    public private(set) var cardsWithSkippedReviews = Set<Int64>()

    public init(store: Store) throws(StoreError) {
        self.store = store
        let db = store.db
        insertDeckStatement = try db.prepare("INSERT INTO decks(name, config, created, modified) VALUES (?, ?, ?, ?)")
        updateDeckStatement = try db.prepare("UPDATE decks SET config = ?, modified = ? WHERE id = ?")
        updateNoteStatement = try db.prepare(
            """
            UPDATE notes SET deck_id = ?, kind = ?, front = ?, back = ?, tags = ?, modified = ?,
                             source = ?, source_line = ?, identity = ?, answer_key = ?, source_hash = ?
            WHERE id = ?
            """)
        updateCardStatement = try db.prepare(
            "UPDATE cards SET note_id = ?, deck_id = ?, ordinal = ?, suspended = ?, created = ?, modified = ?, moved = ? WHERE id = ?")
        stateStatement = try db.prepare(
            """
            UPDATE cards SET phase = ?, due = ?, stability = ?, difficulty = ?, reps = ?, lapses = ?, last_review = ?,
                             step = ?, interval_days = ?, ease = ?
            WHERE id = ?
            """)
        tombstoneStatement = try db.prepare(
            """
            INSERT INTO tombstones(id, kind, deleted) VALUES (?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, deleted = excluded.deleted
            WHERE excluded.deleted > tombstones.deleted
            """)
        notes = InsertBatch(
            db: db,
            head: """
                INSERT INTO notes(id, guid, deck_id, kind, front, back, tags, created, modified,
                                  source, source_line, identity, answer_key, source_hash) VALUES
                """,
            row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns: 14, rowsPerStatement: 500)
        cards = InsertBatch(
            db: db,
            head: "INSERT INTO cards(id, guid, note_id, deck_id, ordinal, suspended, created, modified, moved, \(Store.stateColumns)) VALUES ",
            row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns: 19, rowsPerStatement: 500)
        reviews = ReviewBatch(db: db)
        // Ids are given here rather than by SQLite so that rows can wait in a batch; they start
        // above any id ever used (AUTOINCREMENT's record), so ids are still never reused.
        func nextID(_ table: String) throws(StoreError) -> Int64 {
            let used = try db.scalarInt(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), coalesce((SELECT max(id) FROM \(table)), 0))",
                [.text(table)]) ?? 0
            return used + 1
        }
        nextNoteID = try nextID("notes")
        nextCardID = try nextID("cards")
        // Rows are written parents first (decks, notes, cards, reviews; batches flush in that
        // order), so references are checked row by row. Deferring the checks to the commit would
        // make SQLite look for a new card's reviews in the log at every card it inserts.
    }

    // MARK: Bulk work

    /// The insert trigger's SQL while notes are indexed for search in bulk (`beginNewNotes`).
    private var ftsInsertTrigger: String?
    private var firstBulkNote: Int64 = 0
    /// The review log's secondary indexes (name → SQL) while they are dropped (`beginNewReviews`).
    private var droppedReviewIndexes: [(name: String, sql: String)] = []

    /// Call before inserting `count` new notes. From `Store.bulkIndexThreshold` on, they are
    /// indexed for search in one statement by `endNewNotes` instead of row by row by the insert
    /// trigger, which makes FTS5 flush its pending terms at every statement (as `applyImport`).
    /// Until `endNewNotes`, notes inserted here must not be updated or deleted.
    public func beginNewNotes(count: Int) throws(StoreError) {
        guard count >= Store.bulkIndexThreshold, ftsInsertTrigger == nil else { return }
        try flush()
        ftsInsertTrigger = try store.db.row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'notes_fts_insert'", []) { $0.textValue(0) }
        guard ftsInsertTrigger != nil else { return }
        firstBulkNote = nextNoteID
        try store.db.execute("DROP TRIGGER notes_fts_insert")
    }

    /// Indexes the notes inserted since `beginNewNotes` and puts the insert trigger back.
    public func endNewNotes() throws(StoreError) {
        guard let trigger = ftsInsertTrigger else { return }
        try notes.flush()
        try store.db.run("INSERT INTO notes_fts(rowid, front, back, tags) SELECT id, front, back, tags FROM notes WHERE id >= ?",
                         [.integer(firstBulkNote)])
        try store.db.execute(trigger)
        ftsInsertTrigger = nil
    }

    /// Call before inserting `count` new reviews. When they are many and at least as many as the
    /// log holds already, the log's secondary indexes (by card, by time) are dropped and made
    /// again by `endNewReviews`: building an index sorts its rows once, far cheaper than a
    /// million inserts all over it. Until `endNewReviews`, nothing may query the log by card or
    /// time. Inside the transaction, so a failure brings the indexes back with everything else.
    public func beginNewReviews(count: Int) throws(StoreError) {
        guard count >= 10_000, droppedReviewIndexes.isEmpty else { return }
        let existing = try store.db.scalarInt("SELECT count(*) FROM review_log") ?? 0
        guard Int64(count) >= existing else { return }
        try flush()
        droppedReviewIndexes = try store.db.rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' AND sql IS NOT NULL ORDER BY name"
        ) { (name: $0.textValue(0), sql: $0.textValue(1)) }
        for index in droppedReviewIndexes {
            try store.db.execute("DROP INDEX \"\(index.name.replacingOccurrences(of: "\"", with: "\"\""))\"")
        }
    }

    /// Inserts the queued reviews and builds the indexes `beginNewReviews` dropped.
    public func endNewReviews() throws(StoreError) {
        guard !droppedReviewIndexes.isEmpty else { return }
        try flush()
        for index in droppedReviewIndexes { try store.db.execute(index.sql) }
        droppedReviewIndexes = []
    }

    /// Writes every queued row, parents first. Call before reading the tables, and when done.
    public func flush() throws(StoreError) {
        try notes.flush()
        try cards.flush()
        try flushReviews()
    }

    private func flushReviews() throws(StoreError) {
        let count = reviews.rows.count
        guard count > 0 else { return }
        let inserted = try reviews.flush()
        reviewsInserted += inserted
        if inserted < count {
            // Some ids were taken: find the rows that did not land on their card.
            let owner = try store.db.prepare("SELECT card_id FROM review_log WHERE id = ?")
            for row in reviews.rows {
                let id = reviews.id(of: row)
                let result = id.withUnsafeBytes { bytes in Result { () throws(StoreError) in try owner.bind(utf8: bytes, at: 1) } }
                try result.get()
                let holder = try owner.step() ? owner.int64Value(0) : nil
                owner.reset()
                if holder != row.cardID { cardsWithSkippedReviews.insert(row.cardID) }
            }
        }
        reviews.clear()
    }

    public func insertDeck(name: String, config: [String: String], created: Millis, modified: Millis) throws(StoreError) -> Int64 {
        try flush()
        let s = insertDeckStatement
        try s.bind(text: name, at: 1)
        try s.bind(text: Store.configText(config), at: 2)
        try s.bind(int: created, at: 3)
        try s.bind(int: modified, at: 4)
        try s.runAndReset()
        return store.db.lastInsertRowID
    }

    public func updateDeck(id: Int64, config: [String: String], modified: Millis) throws(StoreError) {
        try flush()
        let s = updateDeckStatement
        try s.bind(text: Store.configText(config), at: 1)
        try s.bind(int: modified, at: 2)
        try s.bind(int: id, at: 3)
        try s.runAndReset()
    }

    /// Deletes a deck row that holds no cards. A note still filed under it whose cards live in
    /// other decks moves to its first card's deck first, so that the cascade cannot take it.
    public func deleteDeck(id: Int64) throws(StoreError) {
        try flush()
        try store.db.run(
            """
            UPDATE notes SET deck_id = (SELECT c.deck_id FROM cards c WHERE c.note_id = notes.id ORDER BY c.ordinal LIMIT 1)
            WHERE deck_id = ? AND EXISTS (SELECT 1 FROM cards c WHERE c.note_id = notes.id)
            """, [.integer(id)])
        try store.db.run("DELETE FROM decks WHERE id = ?", [.integer(id)])
    }

    /// Queues a new note; returns the id it will have.
    public func insertNote(
        guid: String, deckID: Int64, kind: NoteKind, front: String, back: String, tags: [String],
        created: Millis, modified: Millis, origin: NoteOrigin?
    ) throws(StoreError) -> Int64 {
        let id = nextNoteID
        nextNoteID += 1
        notes.add(int: id)
        notes.add(text: guid)
        notes.add(int: deckID)
        notes.add(text: kind.rawValue)
        notes.add(text: front)
        notes.add(text: back)
        notes.add(text: Tags.encode(tags))
        notes.add(int: created)
        notes.add(int: modified)
        if let origin {
            notes.add(text: origin.file)
            notes.add(optionalInt: origin.line.map { Int64($0) })
            notes.add(text: origin.questionKey)
            notes.add(text: origin.answerKey)
            notes.add(text: origin.contentKey)
        } else {
            notes.add(optionalInt: nil)
            notes.add(optionalInt: nil)
            for _ in 0..<3 { notes.add(text: "") }
        }
        if notes.isFull { try notes.flush() }
        return id
    }

    /// An id for a card to be inserted later with `insertCard(id:…)`.
    public func reserveCardID() -> Int64 {
        defer { nextCardID += 1 }
        return nextCardID
    }

    /// Queues a new card under an id from `reserveCardID`. `moved` is when it last changed deck
    /// (`created` when never).
    public func insertCard(
        id: Int64, _ guid: String, noteID: Int64, deckID: Int64, ordinal: Int, suspended: Bool, created: Millis,
        modified: Millis, moved: Millis, state: CardState
    ) throws(StoreError) {
        cards.add(int: id)
        cards.add(text: guid)
        cards.add(int: noteID)
        cards.add(int: deckID)
        cards.add(int: Int64(ordinal))
        cards.add(int: suspended ? 1 : 0)
        cards.add(int: created)
        cards.add(int: modified)
        cards.add(optionalInt: Self.storedMoved(moved, created: created))
        addState(state, to: cards)
        if cards.isFull {
            try notes.flush()  // their notes first
            try cards.flush()
        }
    }

    /// Queues a review learnt from another store: not undoable here, with the state the replay
    /// had before it as the undo columns' content (DESIGN.md invariant 1).
    public func insertReview(
        id: UnsafeRawBufferPointer, cardID: Int64, at: Millis, rating: Rating, durationMS: Int64,
        before: CardState, suspended: Bool
    ) throws(StoreError) {
        reviews.add(id: id, cardID: cardID, at: at, rating: Int64(rating.rawValue), durationMS: durationMS,
                    before: before, suspended: suspended)
        if reviews.isFull { try flush() }  // their cards first
    }

    private func addState(_ state: CardState, to batch: InsertBatch) {
        batch.add(text: state.phase.rawValue)
        batch.add(optionalInt: state.due)
        batch.add(optionalDouble: state.stability)
        batch.add(optionalDouble: state.difficulty)
        batch.add(int: Int64(state.reps))
        batch.add(int: Int64(state.lapses))
        batch.add(optionalInt: state.lastReview)
        batch.add(int: Int64(state.step))
        batch.add(int: Int64(state.intervalDays))
        batch.add(optionalDouble: state.ease)
    }

    public func updateNote(
        id: Int64, deckID: Int64, kind: NoteKind, front: String, back: String, tags: [String], modified: Millis,
        origin: NoteOrigin?
    ) throws(StoreError) {
        try flush()
        let s = updateNoteStatement
        try s.bind(int: deckID, at: 1)
        try s.bind(text: kind.rawValue, at: 2)
        try s.bind(text: front, at: 3)
        try s.bind(text: back, at: 4)
        try s.bind(text: Tags.encode(tags), at: 5)
        try s.bind(int: modified, at: 6)
        if let origin {
            try s.bind(text: origin.file, at: 7)
            try s.bind(optionalInt: origin.line.map { Int64($0) }, at: 8)
            try s.bind(text: origin.questionKey, at: 9)
            try s.bind(text: origin.answerKey, at: 10)
            try s.bind(text: origin.contentKey, at: 11)
        } else {
            try s.bindNull(at: 7)
            try s.bindNull(at: 8)
            for index: Int32 in 9...11 { try s.bind(static: "", at: index) }
        }
        try s.bind(int: id, at: 12)
        try s.runAndReset()
    }

    /// Whether a note has no cards left.
    public func noteIsEmpty(id: Int64) throws(StoreError) -> Bool {
        try flush()
        return try store.db.scalarInt("SELECT count(*) FROM cards WHERE note_id = ?", [.integer(id)]) == 0
    }

    /// Gives a card's reviews to another card (sibling cards merged into one); they keep their ids.
    public func moveReviews(fromCard source: Int64, toCard target: Int64) throws(StoreError) {
        try flush()
        try store.db.run("UPDATE review_log SET card_id = ?, undoable = 0 WHERE card_id = ?", [.integer(target), .integer(source)])
    }

    /// Deletes a note whose cards are all gone (its cards would go with it: ON DELETE CASCADE).
    public func deleteNote(id: Int64) throws(StoreError) {
        try flush()
        try store.db.run("DELETE FROM notes WHERE id = ?", [.integer(id)])
    }

    public func updateCard(
        id: Int64, noteID: Int64, deckID: Int64, ordinal: Int, suspended: Bool, created: Millis, modified: Millis, moved: Millis
    ) throws(StoreError) {
        try flush()
        let s = updateCardStatement
        try s.bind(int: noteID, at: 1)
        try s.bind(int: deckID, at: 2)
        try s.bind(int: Int64(ordinal), at: 3)
        try s.bind(int: suspended ? 1 : 0, at: 4)
        try s.bind(int: created, at: 5)
        try s.bind(int: modified, at: 6)
        try s.bind(optionalInt: Self.storedMoved(moved, created: created), at: 7)
        try s.bind(int: id, at: 8)
        try s.runAndReset()
    }

    /// `cards.moved` as stored: NULL for a card that never changed deck since it was created, so
    /// that every store holds one value for one meaning.
    static func storedMoved(_ moved: Millis, created: Millis) -> Millis? { moved > created ? moved : nil }

    /// Deletes a card and its review log (ON DELETE CASCADE); the caller records the tombstone.
    public func deleteCard(id: Int64) throws(StoreError) {
        try flush()
        try store.db.run("DELETE FROM cards WHERE id = ?", [.integer(id)])
    }

    /// Moves a card out of the way of another sibling's ordinal while a merge renumbers them.
    public func parkCard(id: Int64) throws(StoreError) {
        try flush()
        try store.db.run("UPDATE cards SET ordinal = -id WHERE id = ?", [.integer(id)])
    }


    /// Undo takes back the newest undoable answer by restoring the state before it. Once reviews
    /// from elsewhere join a card's log that earlier state is no longer the replay of the rest,
    /// so the card's own answers stop being undoable.
    public func endUndo(cardID: Int64) throws(StoreError) {
        try flush()
        try store.db.run("UPDATE review_log SET undoable = 0 WHERE card_id = ? AND undoable = 1", [.integer(cardID)])
    }

    public func setState(_ state: CardState, cardID: Int64) throws(StoreError) {
        try flush()
        let s = stateStatement
        try bindState(state, to: s, from: 1)
        try s.bind(int: cardID, at: 11)
        try s.runAndReset()
    }

    /// Records a deletion, keeping the later time when the id already has one.
    public func recordTombstone(_ tombstone: Tombstone) throws(StoreError) {
        try flush()
        let s = tombstoneStatement
        try s.bind(text: tombstone.id, at: 1)
        try s.bind(text: tombstone.kind.rawValue, at: 2)
        try s.bind(int: tombstone.deleted, at: 3)
        try s.runAndReset()
    }

}
