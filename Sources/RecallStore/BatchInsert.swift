import Foundation

/// Inserts many rows with multi-row `INSERT … VALUES (…), (…), …` statements. Each statement
/// has a fixed cost in SQLite (a statement journal, halting the VM); grouping rows spreads it,
/// which roughly halves the time of a 100,000-card import.
final class BatchInsert {
    private let db: Database
    private let prefix: String
    private let columns: Int
    private let rowsPerStatement: Int
    private var full: Statement?
    private var pending: [SQLValue] = []
    /// Rowid of the last row written by `flush`.
    private(set) var lastRowID: Int64 = 0

    /// `prefix` is `INSERT INTO table(col, …) VALUES`; `columns` the number of values per row.
    init(_ db: Database, _ prefix: String, columns: Int, rowsPerStatement: Int = 64) {
        self.db = db
        self.prefix = prefix
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        pending.reserveCapacity(columns * rowsPerStatement)
    }

    private func sql(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ",") + ")"
        return prefix + " " + Array(repeating: row, count: rows).joined(separator: ",")
    }

    /// Queues one row; writes a statement's worth when enough have gathered.
    func add(_ values: [SQLValue]) throws(StoreError) {
        pending += values
        if pending.count == columns * rowsPerStatement {
            if full == nil { full = try db.prepare(sql(rows: rowsPerStatement)) }
            if let full { try full.execute(pending) }
            lastRowID = db.lastInsertRowID
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Writes the rows still queued. Rowids of one multi-row insert are consecutive (one
    /// writer, inside one transaction), so a caller that needs them counts back from `lastRowID`.
    func flush() throws(StoreError) {
        guard !pending.isEmpty else { return }
        let statement = try db.prepare(sql(rows: pending.count / columns))
        try statement.execute(pending)
        lastRowID = db.lastInsertRowID
        pending.removeAll(keepingCapacity: true)
    }
}
