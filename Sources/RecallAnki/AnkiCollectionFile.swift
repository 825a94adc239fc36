import Foundation
import RecallStore

/// The SQLite file of a package's collection (schema 11, `AnkiPackageWriter.schema`), written on
/// a thread of its own while the caller is still making the rows: `StoreToAnki` hands it notes,
/// cards and the revlog in batches as it converts them, so that SQLite's inserts (a third of a
/// 500,000-review export) run beside the reading and converting instead of after them.
///
/// Rows go in as multi-row INSERTs (one statement per ~100 rows: SQLite's cost per statement
/// run was as large as its cost per row). The file lives in a temporary folder of its own,
/// removed when the last reference to this object goes, so that one export can be zipped into
/// several packages (`StoreToAnki.write`) and a failed export leaves nothing behind.
final class AnkiCollectionFile: @unchecked Sendable {
    /// The finished file (after `finish`).
    let path: String
    private let folder: URL
    /// Every use of `database`, `statements` and `failure` runs on this serial queue.
    private let queue = DispatchQueue(label: "recall.anki.collection-file")
    private var database: Database?
    private var statements: [String: Statement] = [:]
    private var failure: String?

    init() throws(AnkiWriteError) {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("recall-apkg-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw AnkiWriteError("cannot make a temporary folder: \(error.localizedDescription)")
        }
        path = folder.appendingPathComponent("collection.anki21").path
        queue.async { [self] in
            run {
                let db = try Database(path: path, create: true)
                // A file written once, front to back, by this process alone, and thrown away on
                // failure: no journal, no syncs.
                try db.execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096; "
                    + "PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -65536;")
                try db.execute(AnkiPackageWriter.schema)
                try db.execute("BEGIN")
                database = db
            }
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// The file of a whole collection already in memory (the decoy).
    static func written(_ collection: AnkiCollection, options: AnkiPackageWriter.Options) throws(AnkiWriteError) -> AnkiCollectionFile {
        let file = try AnkiCollectionFile()
        file.add(notes: collection.notes)
        file.add(cards: collection.cards)
        file.add(revlog: collection.revlog)
        try file.finish(collection, options: options)
        return file
    }

    /// Queues notes to insert, in id order (the file's rowid order: appending is SQLite's fast path).
    func add(notes: [AnkiNote]) {
        guard !notes.isEmpty else { return }
        queue.async { [self] in
            run {
                // `?` x 8: id, guid, mid, mod, tags, flds, sfld, csum.
                try insert(notes, table: "notes", row: "(?, ?, ?, ?, -1, ?, ?, ?, ?, 0, '')", parameters: 8) { statement, note, base in
                    let sortField = AnkiPackageWriter.stripHTML(note.fields.first ?? "")
                    try statement.bind(int: note.id, at: base + 1)
                    try statement.bind(text: note.guid, at: base + 2)
                    try statement.bind(int: note.noteTypeID, at: base + 3)
                    try statement.bind(int: note.modified, at: base + 4)
                    try statement.bind(text: note.tags.isEmpty ? "" : " " + note.tags.joined(separator: " ") + " ", at: base + 5)
                    try statement.bind(text: note.fields.joined(separator: "\u{1f}"), at: base + 6)
                    try statement.bind(text: sortField, at: base + 7)
                    try statement.bind(int: AnkiSHA1.fieldChecksum(sortField), at: base + 8)
                }
            }
        }
    }

    /// Queues cards to insert, in id order.
    func add(cards: [AnkiCard]) {
        guard !cards.isEmpty else { return }
        queue.async { [self] in
            run {
                try insert(cards, table: "cards", row: "(?, ?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", parameters: 17) {
                    statement, card, base in
                    try statement.bind(int: card.id, at: base + 1)
                    try statement.bind(int: card.noteID, at: base + 2)
                    try statement.bind(int: card.deckID, at: base + 3)
                    try statement.bind(int: Int64(card.ordinal), at: base + 4)
                    try statement.bind(int: card.modified, at: base + 5)
                    try statement.bind(int: Int64(card.type), at: base + 6)
                    try statement.bind(int: Int64(card.queue), at: base + 7)
                    try statement.bind(int: card.due, at: base + 8)
                    try statement.bind(int: Int64(card.interval), at: base + 9)
                    try statement.bind(int: Int64(card.factor), at: base + 10)
                    try statement.bind(int: Int64(card.reps), at: base + 11)
                    try statement.bind(int: Int64(card.lapses), at: base + 12)
                    try statement.bind(int: Int64(card.left), at: base + 13)
                    try statement.bind(int: card.originalDue, at: base + 14)
                    try statement.bind(int: card.originalDeckID, at: base + 15)
                    try statement.bind(int: Int64(card.flags), at: base + 16)
                    try statement.bind(text: card.data, at: base + 17)
                }
            }
        }
    }

    /// Queues revlog rows to insert, in id order, their ids unique.
    func add(revlog: [AnkiRevlogEntry]) {
        guard !revlog.isEmpty else { return }
        queue.async { [self] in
            run {
                try insert(revlog, table: "revlog", row: "(?, ?, -1, ?, ?, ?, ?, ?, ?)", parameters: 8) { statement, entry, base in
                    try statement.bind(int: entry.id, at: base + 1)
                    try statement.bind(int: entry.cardID, at: base + 2)
                    try statement.bind(int: Int64(entry.ease), at: base + 3)
                    try statement.bind(int: entry.interval, at: base + 4)
                    try statement.bind(int: entry.lastInterval, at: base + 5)
                    try statement.bind(int: Int64(entry.factor), at: base + 6)
                    try statement.bind(int: entry.timeMS, at: base + 7)
                    try statement.bind(int: Int64(entry.type), at: base + 8)
                }
            }
        }
    }

    /// Waits for the queued rows, writes the `col` row (note types, decks, deck options of
    /// `collection`; its rows are not read again) and closes the file; throws the first failure.
    func finish(_ collection: AnkiCollection, options: AnkiPackageWriter.Options) throws(AnkiWriteError) {
        let failed: String? = queue.sync {
            run {
                guard let db = database else { return }
                try db.run(
                    "INSERT INTO col VALUES (1, ?, ?, ?, 11, 0, 0, 0, ?, ?, ?, ?, '{}')",
                    [.integer(collection.createdAt), .integer(options.modified * 1000), .integer(options.modified * 1000),
                     .text(AnkiPackageWriter.json(AnkiPackageWriter.configJSON(collection, options))),
                     .text(AnkiPackageWriter.json(AnkiPackageWriter.modelsJSON(collection, options))),
                     .text(AnkiPackageWriter.json(AnkiPackageWriter.decksJSON(collection, options))),
                     .text(AnkiPackageWriter.json(AnkiPackageWriter.deckConfigsJSON(collection, options)))])
                try db.execute("COMMIT")
            }
            statements = [:]
            database = nil  // closes the file
            return failure
        }
        if let failed { throw AnkiWriteError("cannot write the collection: \(failed)") }
    }

    /// Runs a step on the queue unless an earlier one failed; keeps the first failure.
    private func run(_ step: () throws -> Void) {
        guard failure == nil else { return }
        do { try step() } catch { failure = "\(error)" }
    }

    /// Inserts `rows` with statements of up to ~100 rows each (999 parameters at most: the limit
    /// of older SQLite builds), prepared once per size.
    private func insert<Row>(
        _ rows: [Row], table: String, row: String, parameters: Int32,
        bind: (Statement, Row, Int32) throws -> Void
    ) throws {
        guard let db = database else { return }
        let perStatement = min(100, 999 / Int(parameters))
        var index = 0
        while index < rows.count {
            let count = min(perStatement, rows.count - index)
            let key = "\(table) \(count)"
            let statement: Statement
            if let prepared = statements[key] {
                statement = prepared
            } else {
                statement = try db.prepare("INSERT INTO \(table) VALUES " + Array(repeating: row, count: count).joined(separator: ", "))
                statements[key] = statement
            }
            for offset in 0..<count { try bind(statement, rows[index + offset], Int32(offset) * parameters) }
            try statement.runAndReset()
            index += count
        }
    }
}
