import RecallModel
import RecallScheduler

extension Store {
    /// Brings this store's own times that are more than `tolerance` ahead of `now` back to
    /// `now`: edits, moves, deletions and creations made while this machine's clock ran ahead
    /// (issue 14 item 5). Other stores give such times no weight, so left as they are they would
    /// win here and lose everywhere else, and the stores would never agree; at `now` they are
    /// recent edits like any other. Reviews keep their times (the log is the truth). Returns how
    /// many rows had a time brought back. Call inside `write { }`.
    public func clampFutureTimes(now: Millis, tolerance: Millis) throws(StoreError) -> Int {
        let limit = now + tolerance
        var changed = 0
        // One pass over each table (no index on these columns): `min` leaves a time within the
        // limit, and a NULL time (`moved`, `renamed`, a mark's), as it is.
        for (table, columns) in [("decks", ["created", "modified", "renamed"]), ("notes", ["created", "modified"]),
                                 ("cards", ["created", "modified", "moved", "suspended_at", "flagged_at", "buried_at"]),
                                 ("tombstones", ["deleted"])] {
            let set = columns.map { "\($0) = CASE WHEN \($0) > ?2 THEN ?1 ELSE \($0) END" }.joined(separator: ", ")
            let beyond = columns.map { "\($0) > ?2" }.joined(separator: " OR ")
            try db.run("UPDATE \(table) SET \(set) WHERE \(beyond)", [.integer(now), .integer(limit)])
            changed += db.changes
        }
        return changed
    }
}
