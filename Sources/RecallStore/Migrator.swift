import Foundation

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
}
