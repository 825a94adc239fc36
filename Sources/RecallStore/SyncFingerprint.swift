import CSQLite
import Foundation
import RecallModel
import RecallScheduler

extension Store {
    /// A digest of everything an export contains: decks, notes, cards with their state,
    /// tombstones, and of the review log its size, its first and last times and the last undo
    /// number, each read in a few pages (the count from the b-tree's pages, the times from the
    /// ends of the index by time): hashing the log's rows took half of a sync that found nothing
    /// changed. Sync compares the digest with the one it recorded after the last sync, to skip a
    /// folder when neither side changed. That is enough because the log only changes in these
    /// ways: an answer adds a row and takes a new undo number (never reused), so an answer undone
    /// and given again differs; an undo removes one; a merge adds rows; deleting a card removes
    /// its rows, and a merge that moves a card's rows to another deletes that card; a review's
    /// time never changes (`clampFutureTimes` leaves the log alone). Each of these changes the
    /// count or the undo number, or a card.
    public func syncFingerprint() throws(StoreError) -> String {
        var hash = ChangeHash()
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
            SELECT (SELECT count(*) FROM review_log), (SELECT min(reviewed_at) FROM review_log),
                   (SELECT max(reviewed_at) FROM review_log), (SELECT seq FROM sqlite_sequence WHERE name = 'review_undo')
            """)
        if try log.step() { hash.row(log, columns: 4) }
        return String(hash.value, radix: 16)
    }
}

extension ChangeHash {
    /// Adds a result row, column by column, each with its type, to the hash.
    mutating func row(_ statement: Statement, columns: Int32) {
        for column in 0..<columns {
            let type = sqlite3_column_type(statement.handle, column)
            add(UInt64(type))
            switch type {
            case SQLITE_NULL: break
            case SQLITE_INTEGER: add(UInt64(bitPattern: sqlite3_column_int64(statement.handle, column)))
            case SQLITE_FLOAT: add(sqlite3_column_double(statement.handle, column).bitPattern)
            default: statement.withUTF8(column) { add($0) }
            }
        }
    }
}
