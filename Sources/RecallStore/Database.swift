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
    /// `immutable` opens the file read-only as a URI with `immutable=1`: SQLite then needs no
    /// `-shm` file, which is what lets a store in a read-only folder be read at all.
    public init(path: String, create: Bool = true, readOnly: Bool = false, immutable: Bool = false) throws(StoreError) {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        var name = path
        if immutable {
            flags |= SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
            let escaped = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3f")
                .replacingOccurrences(of: "#", with: "%23")
            name = "file:" + escaped + "?immutable=1"
        } else if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        let code = sqlite3_open_v2(name, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw .sqlite(code: code, message: message, sql: nil)
        }
        handle = db
        self.path = path
        registerReviewIDFunction()
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

    /// Copies this whole database into `destination` with SQLite's online backup API: a
    /// consistent snapshot even while other processes write (the copy restarts if the source
    /// changes under it), unlike a file copy, which can catch a half-written WAL.
    public func copy(into destination: Database) throws(StoreError) {
        guard let backup = sqlite3_backup_init(destination.handle, "main", handle, "main") else {
            throw .sqlite(code: sqlite3_extended_errcode(destination.handle), message: destination.lastErrorMessage,
                          sql: "sqlite3_backup_init")
        }
        var code: Int32
        repeat {
            code = sqlite3_backup_step(backup, 256)
            if code == SQLITE_BUSY || code == SQLITE_LOCKED { sqlite3_sleep(20) }
        } while code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finish == SQLITE_OK else {
            throw .sqlite(code: code == SQLITE_DONE ? finish : code, message: destination.lastErrorMessage, sql: "sqlite3_backup_step")
        }
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Runs `body` in one transaction. `BEGIN IMMEDIATE` takes the write lock up front, so two
    /// writers queue on the busy timeout instead of failing on a lock upgrade.
    /// If `body` throws, the transaction is rolled back and the body's error (the first one) is rethrown.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try transaction(immediate: true, body)
    }

    /// Runs `body` in one transaction, `BEGIN IMMEDIATE` or, with `immediate` false, `BEGIN`
    /// (a read snapshot that takes the write lock only at its first write, and fails with
    /// `SQLITE_BUSY_SNAPSHOT` there if another process wrote since the snapshot began).
    public func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
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
