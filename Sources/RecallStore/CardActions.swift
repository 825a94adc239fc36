import Foundation
import RecallModel
import RecallScheduler

/// What the review screen does to a card besides answering it: bury, flag, and the queries
/// behind cram sessions and the end-of-session summary. Each writing method is one small
/// UPDATE with bound parameters; call it inside `write { }` (DESIGN.md invariant 3).
extension Store {
    /// Buries a card through scheduling day `untilDay` (a `DayClock` day number): the queue
    /// skips it while `buried_until >= today`, so burying with today's number hides it until
    /// the day rolls over. Returns the previous value so that an undo can put it back.
    /// Burying is not a change of the card's content, so `modified` stays; sync merges it on its
    /// own time, `buried_at`.
    @discardableResult
    public func bury(cardID: Int64, untilDay: Int, now: Millis) throws(StoreError) -> Int? {
        let previous = try buriedUntil(cardID: cardID)
        try db.run("UPDATE cards SET buried_until = ?, buried_at = ? WHERE id = ?",
                   [.integer(Int64(untilDay)), .integer(now), .integer(cardID)])
        return previous
    }

    /// Puts back the `buried_until` an earlier `bury` returned (nil: not buried), as a change
    /// made `now`.
    public func restoreBuried(cardID: Int64, to day: Int?, now: Millis) throws(StoreError) {
        _ = try buriedUntil(cardID: cardID)
        try db.run("UPDATE cards SET buried_until = ?, buried_at = ? WHERE id = ?",
                   [day.map { .integer(Int64($0)) } ?? .null, .integer(now), .integer(cardID)])
    }

    private func buriedUntil(cardID: Int64) throws(StoreError) -> Int? {
        guard let value = try db.row("SELECT buried_until FROM cards WHERE id = ?", [.integer(cardID)], { $0.int(0) })
        else { throw .cardNotFound(String(cardID)) }
        return value
    }

    /// Sets a card's flag (0 = none, 1 = flagged for fixing) and returns the previous one.
    /// The flag is part of the card (docs/json.md): sync merges it on its own time, `flagged_at`.
    @discardableResult
    public func setFlag(cardID: Int64, flag: Int, now: Millis) throws(StoreError) -> Int {
        guard let previous = try db.row("SELECT flag FROM cards WHERE id = ?", [.integer(cardID)], { $0.intValue(0) })
        else { throw .cardNotFound(String(cardID)) }
        if previous != flag {
            try db.run("UPDATE cards SET flag = ?1, flagged_at = ?2, modified = ?2 WHERE id = ?3",
                       [.integer(Int64(flag)), .integer(now), .integer(cardID)])
        }
        return previous
    }

    /// Cards for a cram session: not suspended, not buried, and not due now (learning cards due
    /// later than `now`, review cards due after today, then new cards), soonest due first, at
    /// most `limit`. Each part walks the (phase, due) index in order, so a large store costs
    /// `limit` rows per part rather than a sort of every card.
    public func cramCards(deck: String?, now: Millis, timeZone: TimeZone, limit: Int) throws -> [Int64] {
        guard limit > 0 else { return [] }
        let clock = try dayClock(timeZone: timeZone)
        let today = clock.dayNumber(at: now)
        let endOfToday = clock.startOfDay(today + 1)
        let scopeList = try deckScope(deck).map(String.init).joined(separator: ",")  // integers from our own rows
        let available = "c.suspended = 0 AND coalesce(c.buried_until, -1) < :today AND +c.deck_id IN (\(scopeList))"
        func ids(_ condition: String, _ order: String, _ arguments: [SQLValue]) throws(StoreError) -> [(id: Int64, due: Millis)] {
            try db.rows("SELECT c.id, coalesce(c.due, 0) FROM cards c WHERE \(condition) AND \(available) ORDER BY \(order) LIMIT :limit",
                        arguments + [.integer(Int64(today)), .integer(Int64(limit))]) { ($0.int64Value(0), $0.int64Value(1)) }
        }
        let learning = try ids("c.phase IN ('learning', 'relearning') AND c.due > ?", "c.due, c.id", [.integer(now)])
        let review = try ids("c.phase = 'review' AND c.due >= ?", "c.due, c.id", [.integer(endOfToday)])
        let fresh = try ids("c.phase = 'new'", "c.id", [])
        let scheduled = (learning + review).sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        return Array((scheduled + fresh).prefix(limit).map(\.id))
    }

    /// How many cards (not suspended, not new) are due before `before`, in one deck and its
    /// sub-decks or all: "due tomorrow" in the review summary, with `before` the end of tomorrow.
    public func dueCount(deck: String?, before: Millis) throws(StoreError) -> Int {
        let scopeList = try deckScope(deck).map(String.init).joined(separator: ",")
        return Int(try db.scalarInt(
            """
            SELECT count(*) FROM cards WHERE phase IN ('learning', 'relearning', 'review') AND due < ?
               AND suspended = 0 AND +deck_id IN (\(scopeList))
            """, [.integer(before)]) ?? 0)
    }
}
