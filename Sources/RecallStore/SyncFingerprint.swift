import Foundation
import RecallModel
import RecallScheduler

extension Store {
    /// A digest of everything an export contains: decks, notes, cards with their state,
    /// tombstones, and the review log's size, sums of times and cards (read from its index by
    /// time, a third of the table's size) and last undo number. Sync compares it with
    /// the digest it recorded after the last sync to skip a folder when neither side changed. The
    /// review log is append-only apart from undo and deletions, which change its count; every
    /// answer given here takes a new undo number (never reused), so an answer undone and given
    /// again differs too.
    public func syncFingerprint() throws(StoreError) -> String {
        var hash = FNV64()
        let decks = try db.prepare("SELECT id, name, config, modified, guid, renamed FROM decks ORDER BY id")
        while try decks.step() { hash.row(decks, columns: 6) }
        let notes = try db.prepare(
            """
            SELECT id, guid, deck_id, kind, front, back, tags, modified, source, source_line, identity, answer_key, source_hash
            FROM notes ORDER BY id
            """)
        while try notes.step() { hash.row(notes, columns: 13) }
        let cards = try db.prepare(
            """
            SELECT id, guid, note_id, deck_id, ordinal, created, modified, suspended, \(Self.stateColumns), moved,
                    suspended_at, flag, flagged_at, buried_until, buried_at FROM cards ORDER BY id
            """)
        while try cards.step() { hash.row(cards, columns: 24) }
        let tombstones = try db.prepare("SELECT id, kind, deleted FROM tombstones ORDER BY id")
        while try tombstones.step() { hash.row(tombstones, columns: 3) }
        let log = try db.prepare(
            """
            SELECT count(*), total(reviewed_at), total(card_id),
                   (SELECT seq FROM sqlite_sequence WHERE name = 'review_undo') FROM review_log INDEXED BY review_log_by_time
            """)
        if try log.step() { hash.row(log, columns: 4) }
        return String(hash.value, radix: 16)
    }
}
