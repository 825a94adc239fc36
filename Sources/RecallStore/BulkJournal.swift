extension Store {
    /// From this many new cards, a first import (into a store without cards) writes in bulk
    /// (`writeInBulk`): a bank, an Anki package. A deck file's merge does from more than one chunk.
    public static let bulkWriteCards = 4096

    /// True when the store holds no card and no note: a merge into it only appends rows.
    public func holdsNoCards() throws(StoreError) -> Bool {
        try db.scalarInt("SELECT EXISTS (SELECT 1 FROM cards) OR EXISTS (SELECT 1 FROM notes)") == 0
    }

    /// Runs `body` in one write transaction, as `write` does, but journalled by a rollback journal
    /// instead of the write-ahead log when no other connection has the store open.
    ///
    /// Why: through the log, every page of a bulk load is written twice, to the log and then into
    /// the store when the log is checkpointed (at close: 2.5 s of a 3 s-import of 100,000 cards
    /// with a million reviews). A rollback journal keeps only the pages the store had before the
    /// transaction, which for a store without cards are a few, so each new page reaches the disk
    /// once. It is as safe: a crash leaves a hot journal, and the next open rolls it back.
    ///
    /// Leaving the log needs the store to ourselves; when another program has it open, the switch
    /// is refused at once (no busy wait) and this is a plain `write`. Meanwhile other programs
    /// wait for the store (up to their busy timeout) instead of reading the state before the
    /// transaction. The log is restored after the transaction, and by `Store.open` after a crash.
    public func writeInBulk<T>(_ body: () throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: path) }
        let leftLog = try journalMode(set: "DELETE") == "delete"
        defer {
            if leftLog {
                _ = try? journalMode(set: "WAL")
                try? db.execute("PRAGMA synchronous = NORMAL")
            }
        }
        // In rollback mode NORMAL may lose the last transaction to a power cut: FULL syncs the
        // journal's header too. Its cost is one more sync per transaction.
        if leftLog { try db.execute("PRAGMA synchronous = FULL") }
        return try write(body)
    }

    /// `writeInBulk` when the transaction adds `cards` cards, `threshold` or more, to a store
    /// without cards (a first import only adds pages); `write` otherwise.
    public func write<T>(adding cards: Int, bulkFrom threshold: Int = Store.bulkWriteCards,
                         _ body: () throws -> T) throws -> T {
        if cards >= threshold, try holdsNoCards() { return try writeInBulk(body) }
        return try write(body)
    }

    /// Sets the journal mode without waiting for other connections; returns the mode now in force
    /// (the old one when the switch was refused).
    @discardableResult
    func journalMode(set mode: String) throws(StoreError) -> String {
        try db.execute("PRAGMA busy_timeout = 0")
        defer { try? db.execute("PRAGMA busy_timeout = \(Self.busyTimeoutMS)") }
        do {
            return try db.row("PRAGMA journal_mode = \(mode)") { $0.textValue(0).lowercased() } ?? ""
        } catch {
            return try journalMode()
        }
    }

    /// The journal mode in force, lowercase (`wal`, `delete`).
    func journalMode() throws(StoreError) -> String {
        try db.row("PRAGMA journal_mode") { $0.textValue(0).lowercased() } ?? ""
    }
}
