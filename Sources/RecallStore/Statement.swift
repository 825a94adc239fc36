import CSQLite
import Foundation
import RecallModel
import RecallScheduler

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
        case let .text(v):
            try bind(text: v, at: index)
            return
        }
        guard code == SQLITE_OK else { throw failure(code) }
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
    /// How many columns each row of this statement has.
    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func intValue(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    public func textValue(_ column: Int32) -> String { text(column) ?? "" }
}

// MARK: - Allocation-free binding and reading

extension Statement {
    /// Binders that take plain values instead of an `[SQLValue]`, so that a statement run a
    /// million times allocates nothing per row.
    public func bind(int value: Int64, at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    public func bind(optionalInt value: Int64?, at index: Int32) throws(StoreError) {
        if let value { try bind(int: value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(optionalText value: String?, at index: Int32) throws(StoreError) {
        if let value { try bind(text: value, at: index) } else { try bindNull(at: index) }
    }

    public func bind(optionalDouble value: Double?, at index: Int32) throws(StoreError) {
        if let value { try check(sqlite3_bind_double(handle, index, value)) } else { try bindNull(at: index) }
    }

    public func bind(text value: String, at index: Int32) throws(StoreError) {
        var value = value
        let result = value.withUTF8 { bytes in
            Result { () throws(StoreError) in try bind(utf8: UnsafeRawBufferPointer(bytes), at: index) }
        }
        try result.get()
    }

    /// Binds UTF-8 bytes as text (a review id formatted on the stack, say).
    public func bind(utf8 bytes: UnsafeRawBufferPointer, at index: Int32) throws(StoreError) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            try check(sqlite3_bind_text(handle, index, "", 0, transient))
            return
        }
        try check(sqlite3_bind_text(handle, index, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), transient))
    }

    /// Binds a literal without copying it (SQLite keeps the pointer; literals live forever).
    public func bind(static text: StaticString, at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_text(handle, index, UnsafeRawPointer(text.utf8Start).assumingMemoryBound(to: CChar.self),
                                    Int32(text.utf8CodeUnitCount), nil))
    }

    public func bindNull(at index: Int32) throws(StoreError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Steps a statement that returns no rows, then resets it for the next row. Bindings stay
    /// until rebound, so each call must bind every parameter.
    public func runAndReset() throws(StoreError) {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(code) }
    }

    /// The text of a column as bytes, valid until the next step; empty for NULL.
    public func withUTF8<R>(_ column: Int32, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        guard let bytes = sqlite3_column_text(handle, column) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))))
    }

    private func check(_ code: Int32) throws(StoreError) {
        guard code == SQLITE_OK else { throw failure(code) }
    }
}
