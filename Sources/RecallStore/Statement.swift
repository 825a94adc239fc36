import CSQLite
import Foundation

/// `SQLITE_TRANSIENT` does not import into Swift; this is its value: SQLite copies the bytes.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A prepared statement. It owns its `sqlite3_stmt*` and finalizes it in `deinit`.
/// Parameters are always bound, never spliced into SQL (DESIGN.md invariant 6).
public final class Statement {
    let handle: OpaquePointer
    let database: Database
    public let sql: String

    init(database: Database, sql: String) throws(StoreError) {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(database.handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw .sqlite(code: code, message: database.lastErrorMessage, sql: sql)
        }
        handle = statement
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Resets the statement so it can run again with new bindings.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws(StoreError) {
        for (offset, value) in values.enumerated() {
            try bind(value, at: Int32(offset + 1))
        }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws(StoreError) {
        let code: Int32
        switch value {
        case .null: code = sqlite3_bind_null(handle, index)
        case let .integer(v): code = sqlite3_bind_int64(handle, index, v)
        case let .real(v): code = sqlite3_bind_double(handle, index, v)
        case let .text(v): code = Self.bindText(v, to: handle, at: index)
        }
        guard code == SQLITE_OK else { throw failure(code) }
    }

    /// Binds the string's UTF-8 bytes with their length: no NUL-terminated copy and no `strlen`,
    /// which matters when an import binds a few hundred thousand texts.
    private static func bindText(_ text: String, to handle: OpaquePointer, at index: Int32) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else {
                return sqlite3_bind_text(handle, index, "", 0, transient)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, index, $0, Int32(bytes.count), transient)
            }
        }
    }

    /// Advances to the next row; false when the statement is done.
    public func step() throws(StoreError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw failure(code)
        }
    }

    /// Binds, runs to completion and resets: for statements executed many times in a loop.
    public func execute(_ values: [SQLValue]) throws(StoreError) {
        defer { reset() }
        try bind(values)
        while try step() {}
    }

    private func failure(_ code: Int32) -> StoreError {
        .sqlite(code: sqlite3_extended_errcode(database.handle), message: database.lastErrorMessage, sql: sql)
    }

    // MARK: Reading columns (0-based)

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    public func int64(_ column: Int32) -> Int64? {
        isNull(column) ? nil : sqlite3_column_int64(handle, column)
    }

    public func int(_ column: Int32) -> Int? { int64(column).map { Int($0) } }

    public func double(_ column: Int32) -> Double? {
        isNull(column) ? nil : sqlite3_column_double(handle, column)
    }

    public func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// Non-optional readers for NOT NULL columns; a NULL reads as zero / empty.
    public func int64Value(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func intValue(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    public func textValue(_ column: Int32) -> String { text(column) ?? "" }
}
