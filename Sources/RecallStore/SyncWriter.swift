import Foundation
import RecallModel
import RecallScheduler

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
        insertDeckStatement = try db.prepare(
            "INSERT INTO decks(guid, name, sync_name, renamed, config, created, modified) VALUES (?1, '\u{1}naming ' || ?1, ?2, ?3, ?4, ?5, ?6)")
        updateDeckStatement = try db.prepare(
            """
            UPDATE decks SET name = CASE WHEN ?1 IS NULL THEN name ELSE '\u{1}naming ' || id END,
                             sync_name = CASE WHEN ?1 IS NULL THEN sync_name ELSE ?1 END,
                             renamed = ?2, config = ?3, modified = ?4
            WHERE id = ?5
            """)
        updateNoteStatement = try db.prepare(
            """
            UPDATE notes SET deck_id = ?, kind = ?, front = ?, back = ?, tags = ?, modified = ?,
                             source = ?, source_line = ?, identity = ?, answer_key = ?, source_hash = ?
            WHERE id = ?
            """)
        updateCardStatement = try db.prepare(
            """
            UPDATE cards SET note_id = ?, deck_id = ?, ordinal = ?, suspended = ?, created = ?, modified = ?, moved = ?,
                             suspended_at = ?, flag = ?, flagged_at = ?, buried_until = ?, buried_at = ?
            WHERE id = ?
            """)
        stateStatement = try db.prepare(
            """
            UPDATE cards SET phase = ?, due = ?, stability = ?, difficulty = ?, reps = ?, lapses = ?, last_review = ?,
                             step = ?, interval_days = ?, ease = ?
            WHERE id = ?
            """)
        tombstoneStatement = try db.prepare(
            """
            INSERT OR REPLACE INTO tombstones(id, kind, deleted, name, renamed, config, modified, card) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
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
            head: """
                INSERT INTO cards(id, guid, note_id, deck_id, ordinal, suspended, created, modified, moved,
                                  suspended_at, flag, flagged_at, buried_until, buried_at, \(Store.stateColumns)) VALUES
                """,
            row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns: 24, rowsPerStatement: 400)
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
    /// The indexes of notes and cards dropped for a bulk import into an empty store.
    private var droppedTableIndexes: [(name: String, sql: String)] = []

    /// Call before inserting `count` new notes. From `Store.bulkIndexThreshold` on, they are
    /// indexed for search in one statement by `endNewNotes` instead of row by row by the insert
    /// trigger, which makes FTS5 flush its pending terms at every statement (as `applyImport`).
    /// Until `endNewNotes`, notes inserted here must not be updated or deleted.
    ///
    /// Into an empty store, the secondary indexes of notes and cards that do not keep rows
    /// unique (by deck, by source, the study queue's) are dropped too, and made again by
    /// `endNewReviews`, for the same reason as the review log's.
    public func beginNewNotes(count: Int) throws(StoreError) {
        guard count >= Store.bulkIndexThreshold, ftsInsertTrigger == nil else { return }
        try flush()
        if droppedTableIndexes.isEmpty, try store.holdsNoCards() {
            droppedTableIndexes = try store.db.rows(
                """
                SELECT name, sql FROM sqlite_master
                WHERE type = 'index' AND tbl_name IN ('notes', 'cards') AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%'
                ORDER BY name
                """) { (name: $0.textValue(0), sql: $0.textValue(1)) }
            for index in droppedTableIndexes { try store.db.execute("DROP INDEX \(Self.quoted(index.name))") }
        }
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
    /// log holds already, the log's index by time is dropped and made again by `endNewReviews`
    /// (building an index sorts its rows once, far cheaper than a million inserts all over it);
    /// into an empty log, its index of ids too (a merge inserts each id once, and the index is
    /// made UNIQUE again at the end, which would fail the transaction rather than keep a
    /// duplicate). Until `endNewReviews`, nothing may query the log by time or id. Inside the
    /// transaction, so a failure brings the indexes back with everything else.
    public func beginNewReviews(count: Int) throws(StoreError) {
        guard count >= 10_000, droppedReviewIndexes.isEmpty else { return }
        let existing = try store.db.scalarInt("SELECT count(*) FROM review_log") ?? 0
        guard Int64(count) >= existing else { return }
        try flush()
        droppedReviewIndexes = try store.db.rows(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'review_log' AND sql IS NOT NULL ORDER BY name"
        ) { (name: $0.textValue(0), sql: $0.textValue(1)) }
        if existing > 0 { droppedReviewIndexes.removeAll { $0.sql.uppercased().hasPrefix("CREATE UNIQUE") } }
        for index in droppedReviewIndexes { try store.db.execute("DROP INDEX \(Self.quoted(index.name))") }
    }

    /// An SQL identifier in double quotes (names from our own schema).
    private static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Inserts the queued reviews and builds the indexes `beginNewReviews` dropped.
    /// Also makes again the indexes of notes and cards `beginNewNotes` dropped.
    public func endNewReviews() throws(StoreError) {
        guard !droppedReviewIndexes.isEmpty || !droppedTableIndexes.isEmpty else { return }
        try flush()
        for index in droppedReviewIndexes + droppedTableIndexes { try store.db.execute(index.sql) }
        droppedReviewIndexes = []
        droppedTableIndexes = []
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
                try owner.bind(reviewID: row.id, at: 1)
                let holder = try owner.step() ? owner.int64Value(0) : nil
                owner.reset()
                if holder != row.cardID { cardsWithSkippedReviews.insert(row.cardID) }
            }
        }
        reviews.clear()
    }

    /// Inserts a deck; `renamed` is when it got its name, `modified` when its options changed.
    /// Its name here is given by `Store.giveDecksNamesOfTheirOwn`, which the merge calls after
    /// writing decks (two decks may meet with one name).
    public func insertDeck(guid: String, name: String, renamed: Millis, config: [String: String], created: Millis,
                           modified: Millis) throws(StoreError) -> Int64 {
        try flush()
        let s = insertDeckStatement
        try s.bind(text: guid, at: 1)
        try s.bind(text: name, at: 2)
        try s.bind(optionalInt: renamed > created ? renamed : nil, at: 3)
        try s.bind(text: Store.configText(config), at: 4)
        try s.bind(int: created, at: 5)
        try s.bind(int: modified, at: 6)
        try s.runAndReset()
        return store.db.lastInsertRowID
    }

    /// Updates a deck; a new `name` (nil: unchanged) waits for `Store.giveDecksNamesOfTheirOwn`.
    public func updateDeck(id: Int64, name: String?, renamed: Millis, created: Millis, config: [String: String],
                           modified: Millis) throws(StoreError) {
        try flush()
        let s = updateDeckStatement
        try s.bind(optionalText: name, at: 1)
        try s.bind(optionalInt: renamed > created ? renamed : nil, at: 2)
        try s.bind(text: Store.configText(config), at: 3)
        try s.bind(int: modified, at: 4)
        try s.bind(int: id, at: 5)
        try s.runAndReset()
    }

    /// Deletes a deck row that holds no cards. A note still filed under it whose cards live in
    /// other decks moves to its first card's deck first, so that the cascade cannot take it.
    /// Whether no card is in deck `id` (after the queued rows are written).
    public func deckIsEmpty(id: Int64) throws(StoreError) -> Bool {
        try flush()
        return try store.db.scalarInt("SELECT EXISTS (SELECT 1 FROM cards WHERE deck_id = ?)", [.integer(id)]) == 0
    }

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
        id: Int64, _ guid: String, noteID: Int64, deckID: Int64, ordinal: Int, created: Millis,
        modified: Millis, moved: Millis, marks: CardMarks, state: CardState
    ) throws(StoreError) {
        cards.add(int: id)
        cards.add(text: guid)
        cards.add(int: noteID)
        cards.add(int: deckID)
        cards.add(int: Int64(ordinal))
        cards.add(int: marks.suspended ? 1 : 0)
        cards.add(int: created)
        cards.add(int: modified)
        cards.add(optionalInt: Self.storedMoved(moved, created: created))
        cards.add(optionalInt: Self.storedMoved(marks.suspendedAt, created: created))
        cards.add(int: Int64(marks.flag))
        cards.add(optionalInt: Self.storedMoved(marks.flaggedAt, created: created))
        cards.add(optionalInt: marks.buriedUntil.map(Int64.init))
        cards.add(optionalInt: Self.storedMoved(marks.buriedAt, created: created))
        addState(state, to: cards)
        if cards.isFull {
            try notes.flush()  // their notes first
            try cards.flush()
        }
    }

    /// Queues a review learnt from another store (not undoable here), with what its card was
    /// before it by the replay of the merged log (DESIGN.md invariant 1). The log is kept by
    /// card, then time: reviews queued in that order are appended at its end.
    public func insertReview(
        id: ReviewID, cardID: Int64, at: Millis, rating: Rating, durationMS: Int64, before: ReviewBefore
    ) throws(StoreError) {
        reviews.add(ReviewBatch.Row(id: id, cardID: cardID, at: at, rating: Int64(rating.rawValue), durationMS: durationMS,
                                    before: before))
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
        try store.db.run("UPDATE review_log SET card_id = ? WHERE card_id = ?", [.integer(target), .integer(source)])
        try store.db.run("DELETE FROM review_undo WHERE card_id = ?", [.integer(source)])
    }

    /// Deletes a note whose cards are all gone (its cards would go with it: ON DELETE CASCADE).
    public func deleteNote(id: Int64) throws(StoreError) {
        try flush()
        try store.db.run("DELETE FROM notes WHERE id = ?", [.integer(id)])
    }

    public func updateCard(
        id: Int64, noteID: Int64, deckID: Int64, ordinal: Int, created: Millis, modified: Millis, moved: Millis,
        marks: CardMarks
    ) throws(StoreError) {
        try flush()
        let s = updateCardStatement
        try s.bind(int: noteID, at: 1)
        try s.bind(int: deckID, at: 2)
        try s.bind(int: Int64(ordinal), at: 3)
        try s.bind(int: marks.suspended ? 1 : 0, at: 4)
        try s.bind(int: created, at: 5)
        try s.bind(int: modified, at: 6)
        try s.bind(optionalInt: Self.storedMoved(moved, created: created), at: 7)
        try s.bind(optionalInt: Self.storedMoved(marks.suspendedAt, created: created), at: 8)
        try s.bind(int: Int64(marks.flag), at: 9)
        try s.bind(optionalInt: Self.storedMoved(marks.flaggedAt, created: created), at: 10)
        try s.bind(optionalInt: marks.buriedUntil.map(Int64.init), at: 11)
        try s.bind(optionalInt: Self.storedMoved(marks.buriedAt, created: created), at: 12)
        try s.bind(int: id, at: 13)
        try s.runAndReset()
    }

    /// A field's time as stored (`cards.moved`, a mark's time): NULL for a field that never
    /// changed since the card was created, so that every store holds one value for one meaning.
    static func storedMoved(_ moved: Millis, created: Millis) -> Millis? { moved > created ? moved : nil }

    /// Deletes a card and its review log (the trigger cards_delete_reviews); the caller records the tombstone.
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
        try store.db.run("DELETE FROM review_undo WHERE card_id = ?", [.integer(cardID)])
    }

    public func setState(_ state: CardState, cardID: Int64) throws(StoreError) {
        try flush()
        let s = stateStatement
        try bindState(state, to: s, from: 1)
        try s.bind(int: cardID, at: 11)
        try s.runAndReset()
    }

    /// Records a deletion, keeping the later time when the id already has one.
    /// Records a tombstone as the plan made it (the latest per id, deck snapshots merged),
    /// replacing the one the store had.
    public func recordTombstone(_ tombstone: Tombstone) throws(StoreError) {
        try flush()
        let s = tombstoneStatement
        try s.bind(text: tombstone.id, at: 1)
        try s.bind(text: tombstone.kind.rawValue, at: 2)
        try s.bind(int: tombstone.deleted, at: 3)
        try s.bind(optionalText: tombstone.deck?.name, at: 4)
        try s.bind(optionalInt: tombstone.deck?.renamed, at: 5)
        try s.bind(optionalText: tombstone.deck.map { Store.configText($0.config) }, at: 6)
        try s.bind(optionalInt: tombstone.deck?.modified, at: 7)
        try s.bind(optionalText: tombstone.card?.json(id: tombstone.id).compact(), at: 8)
        try s.runAndReset()
    }

}
