import Foundation
import RecallModel
import RecallScheduler

/// Reading and writing decks, notes and cards. Every method that writes expects to run inside
/// `Store.write { }` so that a command's changes commit together.
extension Store {
    // MARK: Decks

    public func deck(named name: String) throws(StoreError) -> DeckRecord? {
        try db.row(
            "SELECT id, name, config, created, modified FROM decks WHERE name = ?", [.text(name)], Self.readDeck)
    }

    public func decks() throws(StoreError) -> [DeckRecord] {
        try db.rows("SELECT id, name, config, created, modified FROM decks ORDER BY name", [], Self.readDeck)
    }

    static func readDeck(_ row: Statement) -> DeckRecord {
        DeckRecord(
            id: row.int64Value(0), name: row.textValue(1), config: row.textValue(2),
            created: row.int64Value(3), modified: row.int64Value(4))
    }

    /// Refuses a name that cannot be a deck's (`DeckName`: the one rule for every command).
    public static func checkDeckName(_ name: String) throws(StoreError) {
        if let error = DeckName.error(name) { throw .invalid(error) }
    }

    /// The deck called `name`, created (with default options) when it does not exist yet. A new
    /// deck's id is the one its name makes (`DeckName.stableID`), so that the same name created on
    /// two stores is one deck; when this store already used that id (a deck renamed away from
    /// the name, or deleted), it makes a fresh one from the name and the time.
    @discardableResult
    public func ensureDeck(_ name: String, now: Millis) throws(StoreError) -> DeckRecord {
        try Self.checkDeckName(name)
        if let deck = try deck(named: name) { return deck }
        var guid = DeckName.stableID(name)
        var attempt: Int64 = 0
        while try db.scalarInt(
            "SELECT (SELECT count(*) FROM decks WHERE guid = ?1) + (SELECT count(*) FROM tombstones WHERE kind = 'deck' AND id = ?1)",
            [.text(guid)]) ?? 0 > 0 {
            var hash = FNV64()
            hash.add(guid)
            hash.add(now)
            hash.add(attempt)
            guid = hash.hex
            attempt += 1
        }
        try db.run(
            "INSERT INTO decks(guid, name, config, created, modified) VALUES (?, ?, '{}', ?, ?)",
            [.text(guid), .text(name), .integer(now), .integer(now)])
        return DeckRecord(id: db.lastInsertRowID, name: name, config: "{}", created: now, modified: now)
    }

    public func setDeckConfig(_ name: String, config: String, now: Millis) throws(StoreError) {
        try db.run("UPDATE decks SET config = ?, modified = ? WHERE name = ?", [.text(config), .integer(now), .text(name)])
        if db.changes == 0 { throw .deckNotFound(name) }
    }

    /// Counts per deck, as of `now`. Review cards count as due when due before `endOfToday`
    /// (they are due on a day); learning cards count whatever their due moment.
    public func deckSummaries(now: Millis, today: Int, endOfToday: Millis) throws(StoreError) -> [DeckSummary] {
        try db.rows(
            """
            SELECT d.name,
                   count(c.id) FILTER (WHERE c.phase = 'new' AND c.suspended = 0 AND coalesce(c.buried_until, -1) < :today),
                   count(c.id) FILTER (WHERE c.phase IN ('learning', 'relearning') AND c.suspended = 0),
                   count(c.id) FILTER (WHERE c.phase = 'review' AND c.due < :end AND c.suspended = 0
                                       AND coalesce(c.buried_until, -1) < :today),
                   count(c.id),
                   count(c.id) FILTER (WHERE c.suspended = 1)
            FROM decks d LEFT JOIN cards c ON c.deck_id = d.id
            GROUP BY d.id ORDER BY d.name
            """, [.integer(Int64(today)), .integer(endOfToday)]
        ) { row in
            DeckSummary(
                name: row.textValue(0), new: row.intValue(1), learning: row.intValue(2), due: row.intValue(3),
                total: row.intValue(4), suspended: row.intValue(5))
        }
    }

    /// The deck called `name`; for a name that only groups sub-decks (`lang` when only `lang::go`
    /// exists) `parentOnlyDeck`, else `deckNotFound`. For commands that need one deck itself.
    public func requireDeck(named name: String) throws(StoreError) -> DeckRecord {
        if let deck = try deck(named: name) { return deck }
        let subDecks = try decks(under: name).map(\.name).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        throw subDecks.isEmpty ? .deckNotFound(name) : .parentOnlyDeck(name, subDecks: subDecks)
    }

    /// Renames a deck, and its sub-decks (`old::child` becomes `new::child`). `old` may also be a
    /// name that only groups sub-decks (`lang` for `lang::go`): its sub-decks are renamed.
    public func renameDeck(_ old: String, to new: String, now: Millis) throws(StoreError) {
        let affected = try decks(under: old)
        if affected.isEmpty { throw .deckNotFound(old) }
        try Self.checkDeckName(new)
        if old == new { return }
        let oldIsADeck = affected.contains { $0.name == old }
        if oldIsADeck, try deck(named: new) != nil { throw .deckExists(new) }
        let children = try db.rows("SELECT name FROM decks WHERE substr(name, 1, ?) = ?",
                                   [.integer(Int64(old.utf8.count + 2)), .text(old + "::")]) { $0.textValue(0) }
        // A rename changes the deck's name and its time (`renamed`), nothing else: the deck keeps
        // its id, so its cards, and options set on other stores, stay with it through a sync.
        for child in children {
            let renamed = new + child.dropFirst(old.count)
            try Self.checkDeckName(renamed)  // a child named before the rule
            if try deck(named: renamed) != nil { throw .deckExists(renamed) }
            try db.run("UPDATE decks SET guid = coalesce(guid, ?1), name = ?2, sync_name = NULL, renamed = ?3 WHERE name = ?4",
                       [.text(DeckName.stableID(child)), .text(renamed), .integer(now), .text(child)])
        }
        guard oldIsADeck else { return }
        // A deck made without an id (by hand) keeps the one its old name made.
        try db.run("UPDATE decks SET guid = coalesce(guid, ?1), name = ?2, sync_name = NULL, renamed = ?3 WHERE name = ?4",
                   [.text(DeckName.stableID(old)), .text(new), .integer(now), .text(old)])
    }

    /// A deck and its sub-decks (`name::…`), by id: empty when there is no such deck. `name` may
    /// be a deck, or only the parent part of sub-decks' names (`lang` for `lang::go`).
    public func decks(under name: String) throws(StoreError) -> [(id: Int64, name: String)] {
        try db.rows("SELECT id, name FROM decks WHERE name = ? OR substr(name, 1, ?) = ? ORDER BY id",
                    [.text(name), .integer(Int64(name.utf8.count + 2)), .text(name + "::")]) {
            (id: $0.int64Value(0), name: $0.textValue(1))
        }
    }

    /// Deletes a deck and its sub-decks with all their cards and notes, leaving tombstones for
    /// sync; the cards go to the trash. Returns the number of cards deleted.
    @discardableResult
    public func deleteDeck(_ name: String, now: Millis) throws(StoreError) -> Int {
        let decks = try decks(under: name)
        if decks.isEmpty { throw .deckNotFound(name) }
        var deleted = 0
        for (deckID, deckName) in decks {
            let cards = try db.rows("SELECT id FROM cards WHERE deck_id = ?", [.integer(deckID)]) { $0.int64Value(0) }
            try moveToTrash(cards: cards, reason: "recall deck delete \(name)", now: now)
            deleted += cards.count
            try db.run("DELETE FROM notes WHERE deck_id = ?", [.integer(deckID)])
            // The tombstone keeps the deck as it was (sync: a deck a card brings back).
            try db.run(
                """
                INSERT OR REPLACE INTO tombstones(id, kind, deleted, name, renamed, config, modified)
                SELECT coalesce(guid, ?2), 'deck', ?3, coalesce(sync_name, name), max(coalesce(renamed, created), created), config, modified
                FROM decks WHERE id = ?1
                """, [.integer(deckID), .text(DeckName.stableID(deckName)), .integer(now)])
            try db.run("DELETE FROM decks WHERE id = ?", [.integer(deckID)])
        }
        return deleted
    }

    // MARK: Notes and cards

    /// Adds a note and its cards (one per ordinal); returns the new cards' ids in ordinal order.
    @discardableResult
    public func addNote(
        deck: String, kind: NoteKind = .basic, front: String, back: String, tags: [String] = [],
        ordinals: [Int] = [1], source: String? = nil, sourceLine: Int? = nil,
        questionKey: String = "", answerKey: String = "", now: Millis
    ) throws(StoreError) -> [Int64] {
        let deckID = try ensureDeck(deck, now: now).id
        try db.run(
            """
            INSERT INTO notes(deck_id, kind, identity, answer_key, source, source_line, front, back, tags, created, modified)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.integer(deckID), .text(kind.rawValue), .text(questionKey), .text(answerKey),
             source.map { .text($0) } ?? .null, sourceLine.map { .integer(Int64($0)) } ?? .null,
             .text(front), .text(back), .text(Tags.encode(tags)), .integer(now), .integer(now)])
        let noteID = db.lastInsertRowID
        let insertCard = try db.prepare(
            "INSERT INTO cards(note_id, deck_id, ordinal, created, modified) VALUES (?, ?, ?, ?, ?)")
        var ids: [Int64] = []
        for ordinal in ordinals {
            try insertCard.execute([.integer(noteID), .integer(deckID), .integer(Int64(ordinal)), .integer(now), .integer(now)])
            ids.append(db.lastInsertRowID)
        }
        return ids
    }

    static let cardColumns = """
        SELECT c.id, c.guid, n.id, n.guid, d.name, n.kind, c.ordinal, n.front, n.back, n.tags, n.source, n.source_line,
               c.created, max(c.modified, n.modified), c.suspended, c.buried_until, c.flag,
               c.phase, c.due, c.stability, c.difficulty, c.reps, c.lapses, c.last_review, c.step, c.interval_days, c.ease,
               c.deck_id
        FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id
        """

    static func readCard(_ row: Statement) -> CardRecord {
        CardRecord(
            id: row.int64Value(0), guid: row.textValue(1), noteID: row.int64Value(2), noteGUID: row.textValue(3),
            deckID: row.int64Value(27), deck: row.textValue(4), kind: NoteKind(rawValue: row.textValue(5)) ?? .basic, ordinal: row.intValue(6),
            front: row.textValue(7), back: row.textValue(8), tags: Tags.decode(row.textValue(9)),
            source: row.text(10), sourceLine: row.int(11), created: row.int64Value(12), modified: row.int64Value(13),
            suspended: row.intValue(14) != 0, buriedUntil: row.int(15), flag: row.intValue(16),
            state: readState(row, from: 17))
    }

    /// Reads the ten state columns starting at `first`, in `CardState` order.
    static func readState(_ row: Statement, from first: Int32) -> CardState {
        CardState(
            phase: Phase(rawValue: row.textValue(first)) ?? .new, due: row.int64(first + 1),
            stability: row.double(first + 2), difficulty: row.double(first + 3), reps: row.intValue(first + 4),
            lapses: row.intValue(first + 5), lastReview: row.int64(first + 6), step: row.intValue(first + 7),
            intervalDays: row.intValue(first + 8), ease: row.double(first + 9))
    }

    public func card(_ id: Int64) throws(StoreError) -> CardRecord? {
        try db.row(Self.cardColumns + " WHERE c.id = ?", [.integer(id)], Self.readCard)
    }

    /// A card by id, or `cardNotFound`.
    public func requireCard(_ id: Int64) throws(StoreError) -> CardRecord {
        guard let card = try card(id) else { throw .cardNotFound(String(id)) }
        return card
    }

    /// Cards in id order, optionally of one deck (and its sub-decks) and only those due by `dueBy`.
    public func cards(deck: String? = nil, dueBy: (now: Millis, endOfToday: Millis)? = nil) throws(StoreError) -> [CardRecord] {
        var conditions: [String] = []
        var arguments: [SQLValue] = []
        if let deck {
            let ids = try decks(under: deck).map(\.id)
            if ids.isEmpty { return [] }
            conditions.append("c.deck_id IN (\(ids.map(String.init).joined(separator: ",")))")  // our own integers
        }
        if let dueBy {
            conditions.append(
                "c.suspended = 0 AND ((c.phase = 'review' AND c.due < ?) OR (c.phase IN ('learning', 'relearning') AND c.due <= ?))")
            arguments += [.integer(dueBy.endOfToday), .integer(dueBy.now)]
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        return try db.rows(Self.cardColumns + filter + " ORDER BY c.id", arguments, Self.readCard)
    }

    /// Full-text search over fronts, backs and tags. Any text is a valid query: each word is
    /// quoted as an FTS5 string, so `"foo`, `AND`, `c++` and `*` search for text, never syntax.
    public func search(_ query: String, deck: String? = nil) throws(StoreError) -> [CardRecord] {
        let words = query.split(whereSeparator: { $0.isWhitespace })
        let phrases = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var scope: [Int64]?
        if let deck { scope = try deckScope(deck) }  // checked first: an unknown deck is an error
        guard !phrases.isEmpty else { return [] }
        let cards = try db.rows(
            Self.cardColumns + " WHERE n.id IN (SELECT rowid FROM notes_fts WHERE notes_fts MATCH ?) ORDER BY c.id",
            [.text(phrases.joined(separator: " "))], Self.readCard)
        guard let scope else { return cards }
        let decks = Set(scope)
        return cards.filter { decks.contains($0.deckID) }
    }

    /// Changes a card's note. Nil leaves a field as it is. Returns whether anything changed.
    @discardableResult
    public func editNote(ofCard id: Int64, front: String?, back: String?, tags: [String]?, now: Millis) throws(StoreError) -> Bool {
        let card = try requireCard(id)
        let newFront = front ?? card.front
        let newBack = back ?? card.back
        let newTags = tags.map(Tags.encode) ?? Tags.encode(card.tags)
        if newFront == card.front && newBack == card.back && newTags == Tags.encode(card.tags) { return false }
        try db.run(
            "UPDATE notes SET front = ?, back = ?, tags = ?, modified = ? WHERE id = ?",
            [.text(newFront), .text(newBack), .text(newTags), .integer(now), .integer(card.noteID)])
        return true
    }

    /// Deletes cards, and each note left without cards (unless `keepingEmptyNotes`, for a note
    /// whose cards are about to be replaced), with tombstones for sync. A repeated id counts once.
    public func deleteCards(_ ids: [Int64], now: Millis, keepingEmptyNotes: Bool = false) throws(StoreError) {
        for id in Self.once(ids) {
            guard let row = try db.row("SELECT guid, note_id FROM cards WHERE id = ?", [.integer(id)], {
                ($0.textValue(0), $0.int64Value(1))
            }) else { throw .cardNotFound(String(id)) }
            // The tombstone keeps the card as it was (sync: a card an edit elsewhere brings back).
            let snapshot = try cardSnapshot(id: id)?.json(id: row.0).compact()
            try db.run("DELETE FROM cards WHERE id = ?", [.integer(id)])
            try db.run("INSERT OR REPLACE INTO tombstones(id, kind, deleted, card) VALUES (?, 'card', ?, ?)",
                       [.text(row.0), .integer(now), snapshot.map { .text($0) } ?? .null])
            let remaining = try db.scalarInt("SELECT count(*) FROM cards WHERE note_id = ?", [.integer(row.1)]) ?? 0
            if remaining == 0, !keepingEmptyNotes, let noteGUID = try db.row("SELECT guid FROM notes WHERE id = ?", [.integer(row.1)], { $0.textValue(0) }) {
                try db.run("DELETE FROM notes WHERE id = ?", [.integer(row.1)])
                try db.run("INSERT OR REPLACE INTO tombstones(id, kind, deleted) VALUES (?, 'note', ?)", [.text(noteGUID), .integer(now)])
            }
        }
    }

    /// Suspends or unsuspends cards; returns the ids that changed, each once.
    @discardableResult
    public func setSuspended(_ ids: [Int64], _ suspended: Bool, now: Millis) throws(StoreError) -> [Int64] {
        var changed: [Int64] = []
        for id in Self.once(ids) {
            let card = try requireCard(id)
            if card.suspended == suspended { continue }
            try db.run("UPDATE cards SET suspended = ?1, suspended_at = ?2, modified = ?2 WHERE id = ?3",
                       [.integer(suspended ? 1 : 0), .integer(now), .integer(id)])
            changed.append(id)
        }
        return changed
    }

    /// Moves cards to the deck called `deck` (created if missing); returns the ids that changed
    /// deck, each once. The move has its own time (`moved`): sync merges it apart from the text
    /// and the marks. A note follows its first card.
    @discardableResult
    public func moveCards(_ ids: [Int64], toDeck deck: String, now: Millis) throws(StoreError) -> [Int64] {
        let target = try ensureDeck(deck, now: now).id
        var changed: [Int64] = []
        for id in Self.once(ids) {
            let card = try requireCard(id)
            if card.deckID == target { continue }
            try db.run("UPDATE cards SET deck_id = ?1, moved = ?2, modified = max(modified, ?2) WHERE id = ?3",
                       [.integer(target), .integer(now), .integer(id)])
            try db.run(
                """
                UPDATE notes SET deck_id = (SELECT deck_id FROM cards WHERE note_id = notes.id ORDER BY ordinal LIMIT 1)
                WHERE id = ?
                """, [.integer(card.noteID)])
            changed.append(id)
        }
        return changed
    }

    /// `ids` without repeats, in the order first given: a list of ids names each card once.
    static func once(_ ids: [Int64]) -> [Int64] {
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }
    }

    /// The card's review log, oldest first.
    public func reviews(ofCard id: Int64) throws(StoreError) -> [Review] {
        try db.rows(
            "SELECT id, card_id, reviewed_at, rating, duration_ms FROM review_log WHERE card_id = ? ORDER BY reviewed_at, id",
            [.integer(id)]
        ) { row in
            Review(
                id: row.reviewID(0), at: row.int64Value(2),
                rating: Rating(rawValue: row.intValue(3)) ?? .again, durationMS: row.int64Value(4))
        }
    }
}

extension Store {
    /// Review logs of many cards at once, oldest first per card.
    public func reviewsByCard(_ ids: [Int64]) throws(StoreError) -> [Int64: [Review]] {
        var result: [Int64: [Review]] = [:]
        guard !ids.isEmpty else { return result }
        let wanted = Set(ids)
        let statement = try db.prepare(
            "SELECT id, card_id, reviewed_at, rating, duration_ms FROM review_log ORDER BY card_id, reviewed_at, id")
        while try statement.step() {
            let cardID = statement.int64Value(1)
            guard wanted.contains(cardID) else { continue }
            result[cardID, default: []].append(Review(
                id: statement.reviewID(0), at: statement.int64Value(2),
                rating: Rating(rawValue: statement.intValue(3)) ?? .again, durationMS: statement.int64Value(4)))
        }
        return result
    }
}
