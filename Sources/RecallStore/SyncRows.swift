import Foundation
import RecallModel
import RecallScheduler

// The store's rows as export, JSON import and folder sync read them: whole tables with one
// streaming query each, because a store can hold 100,000 cards and 1,000,000 reviews
// (BENCHMARKS.md targets).

/// A deck row with its option overrides decoded.
public struct SyncDeck: Sendable, Equatable {
    public var id: Int64
    /// The deck's identity across stores (`decks.guid`), kept through renames.
    public var guid: String
    /// The deck's name across stores: what deck files carry. Two decks may share it.
    public var name: String
    /// The name this store shows and commands take (unique here): `name`, or `name (2)` for a
    /// second deck of the same name.
    public var localName: String
    /// When the deck got its name: `created`, or its last rename.
    public var renamed: Millis
    /// The deck's own option overrides (`decks.config`), key → text as `recall config` stores it.
    public var config: [String: String]
    public var created: Millis
    /// When its options last changed.
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
    /// `cards.modified` (the latest change to the card row, for `recall show`) and
    /// `notes.modified` (the note's text: what a deck file's `modified` is).
    public var cardModified: Millis
    public var noteModified: Millis
    public var state: CardState
    /// The note's source and matching keys; nil for a note not imported from a source.
    public var origin: NoteOrigin?
    /// When the card last changed deck (`cards.moved`), never before `created`: `created` when it
    /// has stayed in the deck it was created in.
    public var moved: Millis
    /// Suspension, flag and burying, each with its time (never before `created`).
    public var marks: CardMarks

    public var suspended: Bool { marks.suspended }

    /// When the note's text (front, back, tags, origin) last changed: it merges on this time.
    public var modified: Millis { noteModified }

    /// The latest change of any field: text, deck or marks.
    public var lastChange: Millis { max(noteModified, moved, marks.latest) }

    /// What the card's note says.
    public var content: CardContent { CardContent(kind: kind, front: front, back: back, tags: tags) }
}

extension Store {
    /// A deck's id as stored, or, for a deck inserted without one (by a script, not by recall),
    /// the one its name makes: every reader of `decks.guid` goes through this.
    static func deckGUID(stored: String?, name: String) -> String {
        if let stored, !stored.isEmpty { return stored }
        return DeckName.stableID(name)
    }

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
        try db.rows(
            """
            SELECT id, guid, coalesce(sync_name, name), config, created, modified,
                   max(coalesce(renamed, created), created), name
            FROM decks ORDER BY id
            """
        ) { row in
            SyncDeck(id: row.int64Value(0), guid: Self.deckGUID(stored: row.text(1), name: row.textValue(7)),
                     name: row.textValue(2), localName: row.textValue(7),
                     renamed: row.int64Value(6),
                     config: Self.decodeOverrides(row.textValue(3)), created: row.int64Value(4), modified: row.int64Value(5))
        }
    }

    /// Every card with its note, in one query, by guid (as UTF-8 bytes: the order of deck files).
    public func syncCards() throws(StoreError) -> [SyncCard] {
        try syncCards(where: "")
    }

    /// The cards of the given ids, with their notes (as `syncCards`), by guid: the store's side
    /// of one part of a merge that takes a few thousand cards at a time.
    public func syncCards(ids: [Int64]) throws(StoreError) -> [SyncCard] {
        var result: [SyncCard] = []
        let sorted = ids.sorted()
        var start = 0
        while start < sorted.count {
            let batch = sorted[start..<min(start + 500, sorted.count)]
            // Integers from this store's own rows, not text from outside.
            result += try syncCards(where: "WHERE c.id IN (" + batch.map(String.init).joined(separator: ",") + ")")
            start += 500
        }
        return result.sorted { $0.guid.utf8.lexicographicallyPrecedes($1.guid.utf8) }
    }

    /// Calls `body` with what ties each card to others in a merge: its row id, its guid, its
    /// note's guid, its note's source and question and answer keys (nil when imported from
    /// none), and its deck. One pass, nothing kept: a merge keeps only hashes of these.
    public func forEachCardKey(
        _ body: (_ id: Int64, _ guid: String, _ note: String, _ origin: NoteOrigin?, _ deckID: Int64) throws -> Void
    ) throws {
        let statement = try db.prepare(
            """
            SELECT c.id, c.guid, n.guid, n.source, n.identity, n.answer_key, c.deck_id
            FROM cards c JOIN notes n ON n.id = c.note_id ORDER BY c.id
            """)
        while try statement.step() {
            var origin: NoteOrigin?
            if let file = statement.text(3) {
                origin = NoteOrigin(file: file, line: nil, questionKey: statement.textValue(4), answerKey: statement.textValue(5),
                                    contentKey: "")
            }
            try body(statement.int64Value(0), statement.textValue(1), statement.textValue(2), origin, statement.int64Value(6))
        }
    }

    /// A card as a tombstone keeps it (`Tombstone.card`); nil when there is no such card.
    func cardSnapshot(id: Int64) throws(StoreError) -> CardSnapshot? {
        guard let card = try syncCards(where: "WHERE c.id = \(id)").first else { return nil }
        let deck = try db.row("SELECT guid, name FROM decks WHERE id = ?", [.integer(card.deckID)], {
            Self.deckGUID(stored: $0.text(0), name: $0.textValue(1))
        }) ?? ""
        return CardSnapshot(note: card.noteGUID, deck: deck, ordinal: card.ordinal, content: card.content, created: card.created,
                            modified: card.modified, moved: card.moved, marks: card.marks, origin: card.origin,
                            reviews: try syncReviews(ofCards: [id])[id] ?? [])
    }

    /// The columns `readSyncCard` reads, joined with the note; `filter` and order follow.
    private static var syncCardSelect: String {
        """
        SELECT c.id, c.guid, n.id, n.guid, c.deck_id, n.kind, c.ordinal, n.front, n.back, n.tags, c.created,
               c.modified, n.modified, c.suspended, c.\(Self.stateColumns.replacingOccurrences(of: ", ", with: ", c.")),
               n.source, n.source_line, n.identity, n.answer_key, n.source_hash, max(coalesce(c.moved, c.created), c.created),
               max(coalesce(c.suspended_at, c.created), c.created), c.flag, max(coalesce(c.flagged_at, c.created), c.created),
               c.buried_until, max(coalesce(c.buried_at, c.created), c.created)
        FROM cards c JOIN notes n ON n.id = c.note_id
        """
    }

    private func syncCards(where filter: String) throws(StoreError) -> [SyncCard] {
        let statement = try db.prepare(Self.syncCardSelect + " \(filter) ORDER BY c.guid")
        var cards: [SyncCard] = []
        while try statement.step() { cards.append(Self.readSyncCard(statement)) }
        return cards
    }

    /// The card of the current row of a `syncCardSelect` statement.
    fileprivate static func readSyncCard(_ statement: Statement) -> SyncCard {
        var origin: NoteOrigin?
        if let file = statement.text(24) {
            origin = NoteOrigin(file: file, line: statement.int(25), questionKey: statement.textValue(26),
                                answerKey: statement.textValue(27), contentKey: statement.textValue(28))
        }
        return SyncCard(
            id: statement.int64Value(0), guid: statement.textValue(1), noteID: statement.int64Value(2),
            noteGUID: statement.textValue(3), deckID: statement.int64Value(4),
            kind: NoteKind(rawValue: statement.textValue(5)) ?? .basic, ordinal: statement.intValue(6),
            front: statement.textValue(7), back: statement.textValue(8), tags: Tags.decode(statement.textValue(9)),
            created: statement.int64Value(10), cardModified: statement.int64Value(11),
            noteModified: statement.int64Value(12),
            state: readState(statement, from: 14), origin: origin, moved: statement.int64Value(29),
            marks: CardMarks(suspended: statement.intValue(13) != 0, suspendedAt: statement.int64Value(30),
                             flag: statement.intValue(31), flaggedAt: statement.int64Value(32),
                             buriedUntil: statement.int(33), buriedAt: statement.int64Value(34)))
    }

    /// Every card's id and deck, by guid (as UTF-8 bytes: the order of deck files), without
    /// the text: what an export streams its cards in (`SyncCardCursor`), 16 bytes a card.
    public func syncCardOrder() throws(StoreError) -> [(id: Int64, deckID: Int64)] {
        let statement = try db.prepare("SELECT id, deck_id FROM cards ORDER BY guid")
        var order: [(id: Int64, deckID: Int64)] = []
        while try statement.step() { order.append((statement.int64Value(0), statement.int64Value(1))) }
        return order
    }

    /// A reader of cards a batch of ids at a time, its statement prepared once.
    public func syncCardCursor() throws(StoreError) -> SyncCardCursor {
        let list = (1...SyncCardCursor.batchSize).map { "?\($0)" }.joined(separator: ", ")
        return SyncCardCursor(cards: try db.prepare(Self.syncCardSelect + " WHERE c.id IN (\(list))"))
    }

    public func syncTombstones() throws(StoreError) -> [Tombstone] {
        try db.rows("SELECT id, kind, deleted, name, renamed, config, modified, card FROM tombstones ORDER BY id") { row in
            var deck: DeckSnapshot?
            if let name = row.text(3) {
                deck = DeckSnapshot(name: name, renamed: row.int64Value(4), config: Self.decodeOverrides(row.textValue(5)),
                                    modified: row.int64Value(6))
            }
            return Tombstone(id: row.textValue(0), kind: Tombstone.Kind(rawValue: row.textValue(1)) ?? .card,
                             deleted: row.int64Value(2), deck: deck, card: row.text(7).flatMap { CardSnapshot(json: $0) })
        }
    }

    /// Calls `body` for every review, grouped by card and oldest first within a card
    /// (`card_id, reviewed_at, id`): the order the log is kept in, read without sorting.
    public func forEachReview(
        _ body: (_ cardID: Int64, _ id: ReviewID, _ at: Millis, _ rating: Int, _ durationMS: Int64) throws -> Void
    ) throws {
        try forEachReview(order: "ORDER BY card_id, reviewed_at, id", body)
    }

    /// Gives every deck a name of its own here: of decks that share a name across stores
    /// (`sync_name`), the one with the smallest id (as UTF-8 bytes) shows it, the others show it
    /// with ` (2)`, ` (3)`… (the first such name no other deck has). Call after a merge changed
    /// deck names, inside `write { }`.
    public func giveDecksNamesOfTheirOwn() throws(StoreError) {
        struct Row {
            var id: Int64
            var guid: String
            var shown: String
            var syncName: String?
            var name: String { syncName ?? shown }
        }
        let rows = try db.rows("SELECT id, guid, name, sync_name FROM decks", [], {
            Row(id: $0.int64Value(0), guid: Self.deckGUID(stored: $0.text(1), name: $0.textValue(2)), shown: $0.textValue(2),
                syncName: $0.text(3))
        })
        var byName: [String: [Row]] = [:]
        for row in rows { byName[row.name, default: []].append(row) }
        var taken = Set(byName.keys)
        var changed: [Row] = []
        for (name, group) in byName.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            for (index, row) in group.sorted(by: { $0.guid.utf8.lexicographicallyPrecedes($1.guid.utf8) }).enumerated() {
                var wanted = Row(id: row.id, guid: row.guid, shown: name, syncName: nil)
                if index > 0 {
                    var number = index + 1
                    while taken.contains("\(name) (\(number))") { number += 1 }
                    wanted.shown = "\(name) (\(number))"
                    wanted.syncName = name
                    taken.insert(wanted.shown)
                }
                if wanted.shown != row.shown || wanted.syncName != row.syncName { changed.append(wanted) }
            }
        }
        // Names out of each other's way first: `name` is unique.
        for row in changed {
            try db.run("UPDATE decks SET name = ?1 WHERE id = ?2", [.text("\u{1}naming \(row.id)"), .integer(row.id)])
        }
        for row in changed {
            try db.run("UPDATE decks SET name = ?1, sync_name = ?2 WHERE id = ?3",
                       [.text(row.shown), row.syncName.map { .text($0) } ?? .null, .integer(row.id)])
        }
    }

    /// Calls `body` for every review in table order (no sorting: the cheapest full read; since
    /// schema 6 the table is kept by card, time and id, as `forEachReview`).
    public func forEachReviewUnordered(
        _ body: (_ cardID: Int64, _ id: ReviewID, _ at: Millis, _ rating: Int, _ durationMS: Int64) throws -> Void
    ) throws {
        try forEachReview(order: "", body)
    }

    /// Every review, in `order` (an ORDER BY clause, or empty for table order).
    private func forEachReview(
        order: String,
        _ body: (_ cardID: Int64, _ id: ReviewID, _ at: Millis, _ rating: Int, _ durationMS: Int64) throws -> Void
    ) throws {
        let statement = try db.prepare("SELECT card_id, id, reviewed_at, rating, duration_ms FROM review_log \(order)")
        while try statement.step() {
            let cardID = statement.int64Value(0)
            let at = statement.int64Value(2)
            let rating = statement.intValue(3)
            let duration = statement.int64Value(4)
            try body(cardID, statement.reviewID(1), at, rating, duration)
        }
    }

    /// Puts SQLite's temporary files on disk for the rest of this connection, before a merge
    /// of large deck files: the sorts that build indexes over millions of rows then spill to
    /// disk instead of holding every row in memory (the store keeps them in memory otherwise,
    /// `Store.init`). Outside a transaction (SQLite refuses the switch inside one).
    public func useDiskForTemporaryFiles() throws(StoreError) {
        try db.execute("PRAGMA temp_store = FILE")
    }

    /// The store file's size in bytes (its pages; the write-ahead log aside).
    public func fileBytes() throws(StoreError) -> Int64 {
        (try db.scalarInt("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")) ?? 0
    }

    /// Sets this connection up for reading a whole collection in an order of its own (an export:
    /// cards by guid, each card's reviews by a seek): SQLite reads through a memory map, with no
    /// copy into its page cache and no system call per page. The pages read count toward this
    /// process's memory, as a page cache of the same size would: the cards, notes and review log.
    public func prepareForBulkReading() throws(StoreError) {
        try db.execute("PRAGMA mmap_size = \(1 << 40); PRAGMA cache_size = -2048")
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
                    id: statement.reviewID(0), at: statement.int64Value(1),
                    rating: Rating(rawValue: statement.intValue(2)) ?? .again, durationMS: statement.int64Value(3)))
            }
            statement.reset()
            if !reviews.isEmpty { result[id] = reviews }
        }
        return result
    }
}

/// Reads cards (`SyncCard`) by id, `batchSize` ids per query, with a statement prepared once:
/// an export streams a whole collection through one of these in the order of its file, holding
/// no more than a few batches at once. One query per batch rather than per card: the statement
/// runs a thousand times fewer, and SQLite seeks the batch's cards in the table's order. Not
/// `Sendable`: like its store's connection, it stays on one thread.
public final class SyncCardCursor {
    /// The most ids one call takes.
    public static let batchSize = 1024

    private let cardStatement: Statement

    init(cards: Statement) {
        cardStatement = cards
    }

    /// The cards of `ids` (at most `batchSize`), in the order of `ids`; one that is not there
    /// (or whose note is gone) is left out.
    public func cards(_ ids: some Collection<Int64>) throws(StoreError) -> [SyncCard] {
        precondition(ids.count <= Self.batchSize, "at most \(Self.batchSize) ids a query")
        defer { cardStatement.reset() }
        // Parameters left unbound are NULL, which `IN` matches to nothing.
        for (offset, id) in ids.enumerated() { try cardStatement.bind(int: id, at: Int32(offset + 1)) }
        var byID: [Int64: SyncCard] = [:]
        byID.reserveCapacity(ids.count)
        while try cardStatement.step() {
            let card = Store.readSyncCard(cardStatement)
            byID[card.id] = card
        }
        return ids.compactMap { byID[$0] }
    }
}
