import CSQLite
import Foundation
import RecallModel

// MARK: - Review ids in the log (schema 6)

// `review_log.id` holds a recall review id (a canonical lowercase UUID, `ReviewID.uuid`) as a
// 16-byte BLOB, the UUID's bytes: 20 bytes less than its text in the table and again in the
// id index, a third of the log's size. Any other id (a hand-made deck file's) stays TEXT. One
// value, one spelling, so the UNIQUE index on the column still means one row per review.
//
// Order: a BLOB compares byte by byte, which for two UUIDs is the order of their text; SQLite
// puts every TEXT before every BLOB, and `ReviewID.<` orders a text id before a UUID the same way,
// so `ORDER BY reviewed_at, id` and `Review.logOrder` agree.

/// `SQLITE_TRANSIENT` (see Statement.swift).
private let transientBytes = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension ReviewID {
    /// The UUID's 16 bytes, big-endian, as stored.
    func withStoredBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        guard case let .uuid(high, low) = self else { return nil }
        var bytes = (high.bigEndian, low.bigEndian)
        return try withUnsafeBytes(of: &bytes) { try body($0) }
    }

    /// An id read back from a BLOB of 16 bytes.
    init?(storedBytes bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<8 {
            high = high << 8 | UInt64(bytes[index])
            low = low << 8 | UInt64(bytes[index + 8])
        }
        self = .uuid(high, low)
    }
}

extension Statement {
    /// Binds a review id in its stored form: BLOB for a UUID, TEXT otherwise.
    func bind(reviewID id: ReviewID, at index: Int32) throws(StoreError) {
        let code: Int32? = id.withStoredBytes { bytes in
            sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), transientBytes)
        }
        if let code {
            guard code == SQLITE_OK else { throw .sqlite(code: code, message: database.lastErrorMessage, sql: sql) }
            return
        }
        let result = id.withUTF8 { bytes in Result { () throws(StoreError) in try bind(utf8: bytes, at: index) } }
        try result.get()
    }

    /// A review id column, BLOB or TEXT.
    public func reviewID(_ column: Int32) -> ReviewID {
        if sqlite3_column_type(handle, column) == SQLITE_BLOB, let bytes = sqlite3_column_blob(handle, column),
           let id = ReviewID(storedBytes: UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column)))) {
            return id
        }
        return withUTF8(column) { ReviewID(bytes: $0) }
    }
}

extension Store {
    /// Review ids that a program other than recall (a script filling the store with the
    /// `sqlite3` shell) stored as a UUID's text instead of its 16 bytes: the UNIQUE index would
    /// not see them as the ids recall inserts, so a merge could log such a review twice. With
    /// `fix`, they take the stored form (a twin stored both ways stays once). Returns how many.
    public func reviewIDsStoredAsText(fix: Bool) throws(StoreError) -> Int {
        let condition = "typeof(id) = 'text' AND typeof(recall_review_id(id)) = 'blob'"
        var count = 0
        for table in ["review_log", "trash_reviews"] {
            count += Int(try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? 0)
            if fix { try db.execute("UPDATE OR REPLACE \(table) SET id = recall_review_id(id) WHERE \(condition)") }
        }
        return count
    }
}

extension Database {
    /// Registers `recall_review_id(x)` on this connection: `x` in its stored form (a canonical
    /// UUID's text becomes its 16 bytes; anything else is returned as it is). Migration 6 and
    /// `recall check --fix` (a log filled by a script) use it.
    func registerReviewIDFunction() {
        sqlite3_create_function_v2(
            handle, "recall_review_id", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, values in
                guard count == 1, let value = values?[0] else { return }
                if sqlite3_value_type(value) == SQLITE_TEXT, let text = sqlite3_value_text(value) {
                    let id = ReviewID(bytes: UnsafeRawBufferPointer(start: text, count: Int(sqlite3_value_bytes(value))))
                    let done: Bool? = id.withStoredBytes { bytes in
                        sqlite3_result_blob(context, bytes.baseAddress, Int32(bytes.count), transientBytes)
                        return true
                    }
                    if done == true { return }
                }
                sqlite3_result_value(context, value)
            }, nil, nil, nil)
    }
}
