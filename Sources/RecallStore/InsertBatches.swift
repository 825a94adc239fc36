import Foundation
import RecallModel
import RecallScheduler

// MARK: - Multi-row inserts

/// Rows collected and inserted many to a statement (`INSERT … VALUES (…), (…), …`). One
/// statement per row costs far more than the row itself: each statement opens its cursors
/// anew, and with the full-text index written in the transaction each one also makes FTS5
/// flush its pending terms. A merge of a million reviews goes from seconds to a fraction.
final class InsertBatch {
    enum Value {
        case null
        case int(Int64)
        case double(Double)
        case text(String)
    }

    private let db: Database
    private let head: String
    private let row: String
    let columns: Int
    let rowsPerStatement: Int
    private(set) var values: [Value] = []
    /// The statements prepared so far, by row count: a full batch's, and those of the partial
    /// batches that a writer interleaving notes, cards and reviews flushes (an Anki import
    /// flushes its cards each time its reviews fill a batch); preparing them anew each time
    /// cost a tenth of such an import.
    private var statements: [Int: Statement] = [:]

    /// `head` is `INSERT … INTO t(c1, c2, …) VALUES `, `row` one row's `(?, ?, …)` with
    /// `columns` placeholders.
    init(db: Database, head: String, row: String, columns: Int, rowsPerStatement: Int) {
        self.db = db
        self.head = head
        self.row = row
        self.columns = columns
        self.rowsPerStatement = rowsPerStatement
        values.reserveCapacity(columns * rowsPerStatement)
    }

    var rows: Int { values.count / columns }
    var isFull: Bool { rows >= rowsPerStatement }

    func add(int value: Int64) { values.append(.int(value)) }
    func add(optionalInt value: Int64?) { values.append(value.map { .int($0) } ?? .null) }
    func add(optionalDouble value: Double?) { values.append(value.map { .double($0) } ?? .null) }
    func add(text value: String) { values.append(.text(value)) }

    /// Inserts the collected rows; returns how many rows the statement changed.
    @discardableResult
    func flush() throws(StoreError) -> Int {
        let count = rows
        guard count > 0 else { return 0 }
        let statement: Statement
        if let prepared = statements[count] {
            statement = prepared
        } else {
            statement = try db.prepare(head + Array(repeating: row, count: count).joined(separator: ", "))
            statements[count] = statement
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: try statement.bindNull(at: index)
            case let .int(v): try statement.bind(int: v, at: index)
            case let .double(v): try statement.bind(optionalDouble: v, at: index)
            case let .text(v): try statement.bind(text: v, at: index)
            }
        }
        try statement.runAndReset()
        values.removeAll(keepingCapacity: true)
        return db.changes
    }
}

/// New reviews waiting to be inserted, many to a statement like `InsertBatch`, but kept as
/// typed rows: a merge can insert a million of them, and per-value bookkeeping would cost more
/// than SQLite does.
final class ReviewBatch {
    struct Row {
        var id: ReviewID
        var cardID: Int64
        var at: Millis
        var rating: Int64
        var durationMS: Int64
        var before: ReviewBefore
    }

    static let head = """
        INSERT OR IGNORE INTO review_log(card_id, reviewed_at, id, rating, duration_ms,
            prev_phase, prev_stability, prev_interval_days) VALUES
        """
    static let row = "(?, ?, ?, ?, ?, ?, ?, ?)"
    static let columns: Int32 = 8
    let rowsPerStatement = 500
    private let db: Database
    private(set) var rows: [Row] = []
    /// The statements prepared so far, by row count: a full batch's, and those of the partial
    /// batches that a writer interleaving notes, cards and reviews flushes (an Anki import
    /// flushes its cards each time its reviews fill a batch); preparing them anew each time
    /// cost a tenth of such an import.
    private var statements: [Int: Statement] = [:]

    init(db: Database) {
        self.db = db
        rows.reserveCapacity(rowsPerStatement)
    }

    var isFull: Bool { rows.count >= rowsPerStatement }

    func add(_ row: Row) { rows.append(row) }

    /// Inserts the rows; returns how many were inserted (an id already in the log is skipped).
    func flush() throws(StoreError) -> Int {
        let count = rows.count
        guard count > 0 else { return 0 }
        let statement: Statement
        if let prepared = statements[count] {
            statement = prepared
        } else {
            statement = try db.prepare(Self.head + " " + Array(repeating: Self.row, count: count).joined(separator: ", "))
            statements[count] = statement
        }
        for (number, row) in rows.enumerated() {
            let first = Int32(number) * Self.columns + 1
            try statement.bind(int: row.cardID, at: first)
            try statement.bind(int: row.at, at: first + 1)
            try statement.bind(reviewID: row.id, at: first + 2)
            try statement.bind(int: row.rating, at: first + 3)
            try statement.bind(int: row.durationMS, at: first + 4)
            try bindPhase(row.before.phase, to: statement, at: first + 5)
            try statement.bind(optionalDouble: row.before.stability, at: first + 6)
            try statement.bind(int: Int64(row.before.intervalDays), at: first + 7)
        }
        try statement.runAndReset()
        return db.changes
    }

    func clear() { rows.removeAll(keepingCapacity: true) }
}

/// What the review log keeps of a card as it was before a review (`prev_*`): what the study
/// queue and `recall stats` read. 16 bytes, so a merge can hold one per review it writes.
public struct ReviewBefore: Sendable, Equatable {
    public var stability: Double?
    public var intervalDays: Int32
    public var phase: Phase

    public init(_ state: CardState) {
        stability = state.stability
        intervalDays = Int32(clamping: state.intervalDays)
        phase = state.phase
    }
}

/// Binds the ten `CardState` columns, in `Store.stateColumns` order, from parameter `first`.
func bindState(_ state: CardState, to s: Statement, from first: Int32) throws(StoreError) {
    try bindPhase(state.phase, to: s, at: first)
    try s.bind(optionalInt: state.due, at: first + 1)
    try s.bind(optionalDouble: state.stability, at: first + 2)
    try s.bind(optionalDouble: state.difficulty, at: first + 3)
    try s.bind(int: Int64(state.reps), at: first + 4)
    try s.bind(int: Int64(state.lapses), at: first + 5)
    try s.bind(optionalInt: state.lastReview, at: first + 6)
    try s.bind(int: Int64(state.step), at: first + 7)
    try s.bind(int: Int64(state.intervalDays), at: first + 8)
    try s.bind(optionalDouble: state.ease, at: first + 9)
}

/// Binds a phase's name without copying it.
func bindPhase(_ phase: Phase, to s: Statement, at index: Int32) throws(StoreError) {
    switch phase {
    case .new: try s.bind(static: "new", at: index)
    case .learning: try s.bind(static: "learning", at: index)
    case .review: try s.bind(static: "review", at: index)
    case .relearning: try s.bind(static: "relearning", at: index)
    }
}
