import Foundation
import RecallModel

/// A schema migration compiled into the binary from `Migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String

    /// All migrations embedded at build time, in order. A file whose name does not start
    /// with a number is a build mistake and is left out (and caught by a test).
    public static let all: [Migration] = EmbeddedMigrations.files.compactMap { file in
        guard file.name.hasSuffix(".sql"),
              let version = Int(file.name.prefix(while: { $0.isNumber }))
        else { return nil }
        return Migration(version: version, name: String(file.name.dropLast(4)), sql: file.contents)
    }.sorted { $0.version < $1.version }

    /// The schema version this binary writes: the highest migration it carries.
    public static var latestVersion: Int { all.last?.version ?? 0 }
}

/// Applies migrations in order, each in its own transaction together with the
/// `user_version` that records it, so a failed migration leaves the store as it was.
enum Migrator {
    static func migrate(_ db: Database, applicationID: Int32) throws(StoreError) {
        for migration in Migration.all {
            do {
                try db.transaction {
                    // Re-read inside the write lock: another process may have migrated meanwhile.
                    let current = try db.scalarInt("PRAGMA user_version") ?? 0
                    guard current < migration.version else { return }
                    if current == 0 {
                        try db.execute("PRAGMA application_id = \(applicationID)")
                    }
                    try db.execute(migration.sql)
                    try afterSQL(of: migration.version, db)
                    try db.execute("PRAGMA user_version = \(migration.version)")
                }
            } catch let error as StoreError {
                if case let .sqlite(_, message, _) = error {
                    throw .migrationFailed(name: migration.name, message: message)
                }
                throw error
            } catch {
                throw .migrationFailed(name: migration.name, message: "\(error)")
            }
        }
    }

    /// The part of a migration SQL cannot do, run in the same transaction after its SQL.
    private static func afterSQL(of version: Int, _ db: Database) throws(StoreError) {
        guard version == 4 else { return }
        // Schema 4: every deck gets the stable id its name makes (`DeckName.stableID`), so that
        // two stores upgraded apart agree on their decks' ids; deck tombstones, which held the
        // deck's name, hold that id instead.
        let decks = try db.rows("SELECT id, name FROM decks WHERE guid IS NULL ORDER BY id", [], { ($0.int64Value(0), $0.textValue(1)) })
        for (id, name) in decks {
            try db.run("UPDATE decks SET guid = ? WHERE id = ?", [.text(DeckName.stableID(name)), .integer(id)])
        }
        let names = try db.rows("SELECT id FROM tombstones WHERE kind = 'deck'", [], { $0.textValue(0) })
        for name in names {
            try db.run("UPDATE OR REPLACE tombstones SET id = ? WHERE kind = 'deck' AND id = ?",
                       [.text(DeckName.stableID(name)), .text(name)])
        }
    }
}
