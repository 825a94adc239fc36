import CSQLite
import Foundation

/// A value SQLite can store, for binding parameters and reading columns.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// One SQLite connection. It owns the `sqlite3*` handle and closes it in `deinit`;
/// nothing outside this file and `Statement` calls `sqlite3_*`.
/// Not `Sendable`: a connection belongs to the one thread that opened it.
public final class Database {
    let handle: OpaquePointer
    public let path: String

    /// Opens (or creates, with `create`) the file at `path`.
    public init(path: String, create: Bool = true, readOnly: Bool = false) throws(StoreError) {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw .sqlite(code: code, message: message, sql: nil)
        }
        handle = db
        self.path = path
    }

    deinit { sqlite3_close_v2(handle) }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one or more statements that take no parameters and return no rows we need.
    public func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if code != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw .sqlite(code: sqlite3_extended_errcode(handle), message: message, sql: sql)
        }
    }

    /// Prepares one statement. The caller binds, steps and lets it go.
    public func prepare(_ sql: String) throws(StoreError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs `sql` with `arguments` bound, ignoring any rows.
    public func run(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        while try statement.step() {}
    }

    /// All rows of a query, each read by `read`.
    public func rows<T>(
        _ sql: String, _ arguments: [SQLValue] = [], _ read: (Statement) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        var result: [T] = []
        while try statement.step() { result.append(try read(statement)) }
        return result
    }

    /// The first row of a query, or nil.
    public func row<T>(
        _ sql: String, _ arguments: [SQLValue] = [], _ read: (Statement) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        let statement = try prepare(sql)
        try statement.bind(arguments)
        return try statement.step() ? read(statement) : nil
    }

    /// The first column of the first row as an integer (e.g. `count(*)`, pragmas).
    public func scalarInt(_ sql: String, _ arguments: [SQLValue] = []) throws(StoreError) -> Int64? {
        try row(sql, arguments) { $0.int64(0) } ?? nil
    }

    /// Writes the page cache's changed pages to the write-ahead log (the transaction stays open
    /// and uncommitted) and frees the cache, so that a long write can give its memory back
    /// between steps. SQLite reads pages back when they are needed again.
    public func releaseCache() throws(StoreError) {
        let code = sqlite3_db_cacheflush(handle)
        guard code == SQLITE_OK else {
            throw .sqlite(code: code, message: lastErrorMessage, sql: "sqlite3_db_cacheflush")
        }
        sqlite3_db_release_memory(handle)
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in one transaction. `BEGIN IMMEDIATE` takes the write lock up front, so two
    /// writers queue on the busy timeout instead of failing on a lock upgrade.
    /// If `body` throws, the transaction is rolled back and the body's error (the first one) is rethrown.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        let result: T
        do {
            result = try body()
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        do {
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
        return result
    }
}
