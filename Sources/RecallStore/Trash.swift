import Foundation
import RecallScheduler
import RecallModel

/// One card in the trash, as `recall trash` shows it.
public struct TrashEntry: Sendable, Equatable {
    public var cardID: Int64
    public var deck: String
    public var front: String
    public var reviews: Int
    public var deleted: Millis
    /// What deleted it: a command, a bank (`--prune`), or a peer's file.
    public var reason: String
}

/// What `restoreFromTrash` did.
public struct RestoreOutcome: Sendable {
    public var restored: [Int64] = []
    /// Cards a sync brought back already, with the id each has now; left in the trash.
    public var alreadyBack: [(trashed: Int64, current: Int64)] = []
}

/// The trash (DESIGN.md invariant 8, schema 3): every deletion of cards goes through
/// `moveToTrash`, which keeps each card with its note and review log for `trashDays` days, so
/// that `restore` can put it back exactly (same id, guid and history). Sync calls the same
/// `moveToTrash` for a peer's tombstone, with the peer's file as the reason.
extension Store {
    /// How long the trash keeps a card.
    public static let trashDays = 30

    /// Copies the cards (with their notes and review logs) into the trash, then deletes them as
    /// `deleteCards` does (tombstones for sync included). Purges what has been in the trash
    /// longer than `trashDays`. Call inside `write { }`. Returns how many cards were trashed.
    @discardableResult
    public func moveToTrash(cards ids: [Int64], reason: String, now: Millis,
                            keepingEmptyNotes: Bool = false) throws(StoreError) -> Int {
        let ids = Self.once(ids)
        try copyToTrash(cards: ids, reason: reason, now: now)
        try deleteCards(ids, now: now, keepingEmptyNotes: keepingEmptyNotes)
        return ids.count
    }

    /// Copies cards (with their notes and review logs) into the trash without deleting them:
    /// for a caller that deletes them itself, as a sync merge does with the peer's tombstone time.
    public func copyToTrash(cards ids: [Int64], reason: String, now: Millis) throws(StoreError) {
        try purgeTrash(now: now)
        for id in Self.once(ids) {
            try forgetTrashed(id)
            try db.run(
                """
                INSERT INTO trash(card_id, note_id, deck, deck_config, deleted, reason)
                SELECT c.id, c.note_id, d.name, d.config, ?, ? FROM cards c JOIN decks d ON d.id = c.deck_id WHERE c.id = ?
                """, [.integer(now), .text(reason), .integer(id)])
            guard db.changes == 1 else { throw .cardNotFound(String(id)) }
            try db.run("INSERT INTO trash_cards SELECT * FROM cards WHERE id = ?", [.integer(id)])
            try db.run("DELETE FROM trash_notes WHERE id = (SELECT note_id FROM cards WHERE id = ?)", [.integer(id)])
            try db.run("INSERT INTO trash_notes SELECT * FROM notes WHERE id = (SELECT note_id FROM cards WHERE id = ?)", [.integer(id)])
            try db.run(
                """
                INSERT INTO trash_reviews(card_id, reviewed_at, id, rating, duration_ms, prev_phase, prev_stability, prev_interval_days)
                SELECT card_id, reviewed_at, id, rating, duration_ms, prev_phase, prev_stability, prev_interval_days
                FROM review_log WHERE card_id = ?
                """, [.integer(id)])
            // An imported Anki card's checkpoint and link (Migrations/0005_anki_media.sql).
            try db.run("INSERT INTO trash_checkpoints SELECT * FROM card_checkpoints WHERE card_id = ?", [.integer(id)])
            try db.run("DELETE FROM trash_anki_cards WHERE note_id = (SELECT note_id FROM cards WHERE id = ?)", [.integer(id)])
            try db.run("INSERT INTO trash_anki_cards SELECT * FROM anki_cards WHERE note_id = (SELECT note_id FROM cards WHERE id = ?)",
                       [.integer(id)])
        }
    }

    /// The cards in the trash, most recently deleted first.
    public func trash() throws(StoreError) -> [TrashEntry] {
        try db.rows(
            """
            SELECT t.card_id, t.deck, coalesce(n.front, ''), (SELECT count(*) FROM trash_reviews r WHERE r.card_id = t.card_id),
                   t.deleted, t.reason
              FROM trash t LEFT JOIN trash_notes n ON n.id = t.note_id
             ORDER BY t.deleted DESC, t.card_id
            """) {
            TrashEntry(cardID: $0.int64Value(0), deck: $0.textValue(1), front: $0.textValue(2), reviews: $0.intValue(3),
                       deleted: $0.int64Value(4), reason: $0.textValue(5))
        }
    }

    /// Puts cards back from the trash with their notes, review logs, ids and guids; a deck that
    /// is gone is made again with its options. The restored card and note are stamped `now`
    /// and their tombstones dropped, so that the next sync sends them out as newer than the
    /// deletion. Call inside `write { }`. An id not in the trash restores nothing.
    ///
    /// A card that is back already (a peer reviewed it after the deletion, and sync brought it
    /// back with its reviews, under a new short id) is not restored twice: it stays in the
    /// trash, and is returned in `alreadyBack` with the id it has now.
    @discardableResult
    public func restoreFromTrash(_ ids: [Int64], now: Millis) throws(StoreError) -> RestoreOutcome {
        var outcome = RestoreOutcome()
        let ids = Self.once(ids)
        for id in ids {
            guard let entry = try db.row("SELECT note_id, deck, deck_config FROM trash WHERE card_id = ?", [.integer(id)], {
                (note: $0.int64Value(0), deck: $0.textValue(1), config: $0.textValue(2))
            }) else { throw .notInTrash(id) }
            if let current = try db.scalarInt(
                "SELECT c.id FROM cards c JOIN trash_cards t ON t.guid = c.guid WHERE t.id = ?", [.integer(id)]) {
                outcome.alreadyBack.append((trashed: id, current: current))
                continue
            }
            let deckExisted = try deck(named: entry.deck) != nil
            let deck = try ensureDeck(entry.deck, now: now)
            if !deckExisted {
                try db.run("UPDATE decks SET config = ? WHERE id = ?", [.text(entry.config), .integer(deck.id)])
            }
            if try db.scalarInt("SELECT count(*) FROM notes WHERE id = ?", [.integer(entry.note)]) == 0 {
                try copyRow(from: "trash_notes", to: "notes", where: "id = ?", [.integer(entry.note)],
                            overriding: ["deck_id": .integer(deck.id), "modified": .integer(now)])
            }
            let noteDeck = try db.scalarInt("SELECT deck_id FROM notes WHERE id = ?", [.integer(entry.note)]) ?? deck.id
            try copyRow(from: "trash_cards", to: "cards", where: "id = ?", [.integer(id)],
                        overriding: ["deck_id": .integer(noteDeck), "modified": .integer(now)])
            try copyRow(from: "trash_reviews", to: "review_log", where: "card_id = ?", [.integer(id)], overriding: [:],
                        orIgnore: true)
            try db.run("INSERT OR IGNORE INTO card_checkpoints SELECT * FROM trash_checkpoints WHERE card_id = ?", [.integer(id)])
            try db.run("INSERT OR IGNORE INTO anki_cards SELECT * FROM trash_anki_cards WHERE note_id = ?", [.integer(entry.note)])
            try db.run(
                """
                DELETE FROM tombstones WHERE (kind = 'card' AND id = (SELECT guid FROM cards WHERE id = ?))
                   OR (kind = 'note' AND id = (SELECT guid FROM notes WHERE id = ?))
                """, [.integer(id), .integer(entry.note)])
            try forgetTrashed(id)
            outcome.restored.append(id)
        }
        return outcome
    }

    /// How many of `ids` have at least one review: what a deletion would put at risk.
    public func countCardsWithReviews(_ ids: [Int64]) throws(StoreError) -> Int {
        var count = 0
        let statement = try db.prepare("SELECT EXISTS (SELECT 1 FROM review_log WHERE card_id = ?)")
        for id in Self.once(ids) {
            try statement.bind([.integer(id)])
            if try statement.step(), statement.intValue(0) == 1 { count += 1 }
            statement.reset()
        }
        return count
    }

    /// Every card id in the trash.
    public func trashedCardIDs() throws(StoreError) -> [Int64] {
        try db.rows("SELECT card_id FROM trash ORDER BY card_id") { $0.int64Value(0) }
    }

    /// Drops what has been in the trash longer than `trashDays`.
    public func purgeTrash(now: Millis) throws(StoreError) {
        let cutoff = now - Millis(Self.trashDays) * 86_400_000
        let old = try db.rows("SELECT card_id FROM trash WHERE deleted < ?", [.integer(cutoff)]) { $0.int64Value(0) }
        for id in old { try forgetTrashed(id) }
    }

    /// Removes one card's rows from the trash tables (its note's too when no other trashed
    /// card shares it).
    private func forgetTrashed(_ id: Int64) throws(StoreError) {
        guard let note = try db.scalarInt("SELECT note_id FROM trash WHERE card_id = ?", [.integer(id)]) else { return }
        try db.run("DELETE FROM trash WHERE card_id = ?", [.integer(id)])
        try db.run("DELETE FROM trash_cards WHERE id = ?", [.integer(id)])
        try db.run("DELETE FROM trash_reviews WHERE card_id = ?", [.integer(id)])
        try db.run("DELETE FROM trash_checkpoints WHERE card_id = ?", [.integer(id)])
        if try db.scalarInt("SELECT count(*) FROM trash WHERE note_id = ?", [.integer(note)]) == 0 {
            try db.run("DELETE FROM trash_notes WHERE id = ?", [.integer(note)])
            try db.run("DELETE FROM trash_anki_cards WHERE note_id = ?", [.integer(note)])
        }
    }

    /// Copies rows between a table and its `trash_*` copy, by the columns both have (their
    /// names come from our own schema, never from input), with some columns set to given values.
    private func copyRow(from source: String, to target: String, where condition: String, _ arguments: [SQLValue],
                         overriding: [String: SQLValue], orIgnore: Bool = false) throws(StoreError) {
        let have = Set(try columns(of: source))
        let names = try columns(of: target).filter(have.contains)
        var values: [SQLValue] = []
        let selected = names.map { name -> String in
            guard let value = overriding[name] else { return name }
            values.append(value)
            return "?"
        }
        try db.run(
            "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \(target)(\(names.joined(separator: ", "))) "
                + "SELECT \(selected.joined(separator: ", ")) FROM \(source) WHERE \(condition)",
            values + arguments)
    }

    private func columns(of table: String) throws(StoreError) -> [String] {
        try db.rows("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.textValue(0) }
    }
}

extension Store {
    /// Whether every review id in `ids` is in this store's log or its trash: a deck file that
    /// holds one it never had was written by another store (a copied store, issue 14 item 4).
    public func knowsEveryReview(_ ids: some Sequence<String>) throws(StoreError) -> Bool {
        let known = try db.prepare(
            "SELECT EXISTS (SELECT 1 FROM review_log WHERE id = ?1) OR EXISTS (SELECT 1 FROM trash_reviews WHERE id = ?1)")
        for id in ids {
            try known.bind(reviewID: ReviewID(id), at: 1)
            let found = try known.step() && known.intValue(0) == 1
            known.reset()
            if !found { return false }
        }
        return true
    }

    /// The reviews of every card in the trash, by the card's guid, oldest first.
    public func trashedReviewsByGUID() throws(StoreError) -> [String: [Review]] {
        var result: [String: [Review]] = [:]
        let statement = try db.prepare(
            """
            SELECT c.guid, r.id, r.reviewed_at, r.rating, r.duration_ms
            FROM trash_reviews r JOIN trash_cards c ON c.id = r.card_id ORDER BY c.guid, r.reviewed_at, r.id
            """)
        while try statement.step() {
            result[statement.textValue(0), default: []].append(Review(
                id: statement.reviewID(1), at: statement.int64Value(2),
                rating: Rating(rawValue: statement.intValue(3)) ?? .again, durationMS: statement.int64Value(4)))
        }
        return result
    }
}
