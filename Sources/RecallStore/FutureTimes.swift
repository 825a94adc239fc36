import RecallModel
import RecallScheduler

extension Store {
    /// Brings this store's own times that are more than `tolerance` ahead of `now` back to
    /// `now`: edits, moves, deletions and creations made while this machine's clock ran ahead
    /// (issue 14 item 5). Other stores give such times no weight, so left as they are they would
    /// win here and lose everywhere else, and the stores would never agree; at `now` they are
    /// recent edits like any other. Reviews keep their times (the log is the truth). Returns how
    /// many times were brought back. Call inside `write { }`.
    public func clampFutureTimes(now: Millis, tolerance: Millis) throws(StoreError) -> Int {
        let limit = now + tolerance
        var changed = 0
        for (table, column) in [("decks", "created"), ("decks", "modified"), ("notes", "created"), ("notes", "modified"),
                                ("cards", "created"), ("cards", "modified"), ("cards", "moved"),
                                ("tombstones", "deleted")] {
            try db.run("UPDATE \(table) SET \(column) = ? WHERE \(column) > ?", [.integer(now), .integer(limit)])
            changed += db.changes
        }
        return changed
    }
}
