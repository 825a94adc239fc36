import Foundation
import RecallModel
import RecallScheduler
import Testing
@testable import RecallStore

/// A store made by an earlier release is upgraded in place when a newer recall opens it,
/// with everything in it kept.
@Suite struct UpgradeTests {
    /// A store exactly as schema 1 (the first release) left it, with one reviewed card.
    func makeSchemaOneStore(at path: String) throws {
        let db = try Database(path: path)
        let first = try #require(Migration.all.first { $0.version == 1 })
        try db.execute("PRAGMA application_id = \(Store.applicationID)")
        try db.execute(first.sql)
        try db.execute("PRAGMA user_version = 1")
        try db.execute("""
            INSERT INTO decks(name, created, modified) VALUES ('Go', 1, 1);
            INSERT INTO notes(guid, deck_id, front, back, created, modified) VALUES ('00000000000000aa', 1, 'What is a slice?', 'A view into an array.', 1, 1);
            INSERT INTO cards(guid, note_id, deck_id, phase, due, stability, difficulty, reps, last_review, created, modified)
                VALUES ('00000000000000bb', 1, 1, 'review', 100, 2.3, 5.0, 1, 50, 1, 1);
            INSERT INTO review_log(id, card_id, reviewed_at, rating, prev_phase, prev_reps, prev_lapses, prev_step,
                                   prev_interval_days, prev_suspended)
                VALUES ('019abc12-3456-7def-8123-456789abcdef', 1, 50, 3, 'new', 0, 0, 0, 0, 0);
            """)
    }

    @Test func aSchemaOneStoreIsMigratedToTheLatestKeepingItsCardsAndReviews() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("old.sqlite")
        try makeSchemaOneStore(at: path)

        let store = try Store(path: path)
        #expect(!store.isNew)
        #expect(try store.db.scalarInt("PRAGMA user_version") == Int64(Migration.latestVersion))
        #expect(try store.db.row("SELECT guid, stability FROM cards", []) { "\($0.textValue(0)) \($0.double(1) ?? 0)" }
                == "00000000000000bb 2.3")
        #expect(try store.db.scalarInt("SELECT count(*) FROM review_log") == 1)
        // Schema 2: a card's move to another deck is kept apart from its text (sync).
        #expect(try store.db.scalarInt("SELECT count(*) FROM cards WHERE moved IS NULL") == 1)
        // Schema 4: the deck has the id its name makes; a rename changes the name, not the cards.
        #expect(try store.db.row("SELECT guid FROM decks", []) { $0.textValue(0) } == DeckName.stableID("Go"))
        try store.write { _ = try store.renameDeck("Go", to: "Golang", now: 1_000) }
        #expect(try store.db.scalarInt("SELECT moved FROM cards WHERE moved IS NOT NULL") == nil)
        #expect(try store.db.scalarInt("SELECT renamed FROM decks") == 1_000)
        #expect(try store.db.scalarInt("SELECT modified FROM cards") == 1)
    }

    @Test func aMigrationIsPrecededByABackupOfTheStoreAsItWas() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("old.sqlite")
        try makeSchemaOneStore(at: path)
        let store = try Store(path: path, now: 1_764_072_000_000)  // 2025-11-25T12:00:00Z
        let backups = Store.backups(ofStore: path)
        #expect(backups.map { ($0 as NSString).lastPathComponent }
                == ["2025-11-25T120000Z-before-schema-\(Migration.latestVersion).sqlite"])
        let copy = try Database(path: try #require(backups.first), readOnly: true)
        #expect(try copy.scalarInt("PRAGMA user_version") == 1)
        #expect(try copy.scalarInt("SELECT count(*) FROM review_log") == 1)
        #expect(try store.db.scalarInt("PRAGMA user_version") == Int64(Migration.latestVersion))
    }

    /// Restore copies the columns a table and its `trash_*` copy share: a migration that adds a
    /// column to `cards`, `notes` or `review_log` must add it to the copy too, or a restored
    /// card would lose that column's value.
    @Test func theTrashTablesHaveEveryColumnOfTheTablesTheyKeep() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("s.sqlite"))
        func columns(_ table: String) throws -> [String] {
            try store.db.rows("SELECT name FROM pragma_table_info(?)", [.text(table)]) { $0.textValue(0) }
        }
        for (table, copy) in [("cards", "trash_cards"), ("notes", "trash_notes"), ("review_log", "trash_reviews")] {
            #expect(try columns(copy) == columns(table), "\(copy)")
        }
    }

    @Test func movingToTheTrashAndBackKeepsEveryColumnOfCardNoteAndReviews() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("old.sqlite")
        try makeSchemaOneStore(at: path)
        let store = try Store(path: path)
        func snapshot() throws -> [String] {
            try ["cards", "notes", "review_log"].flatMap { table in
                try store.db.rows("SELECT * FROM \(table)", []) { row in
                    (0..<row.columnCount).map { row.textValue(Int32($0)) }.joined(separator: "|")
                }
            }
        }
        let before = try snapshot()
        _ = try store.write { try store.moveToTrash(cards: [1], reason: "test", now: 2_000) }
        #expect(try store.db.scalarInt("SELECT count(*) FROM cards") == 0)
        #expect(try store.db.scalarInt("SELECT count(*) FROM tombstones WHERE kind = 'card'") == 1)
        #expect(try store.trash().map(\.reason) == ["test"])
        _ = try store.write { try store.restoreFromTrash([1], now: 3_000) }
        #expect(try store.db.scalarInt("SELECT count(*) FROM tombstones WHERE kind IN ('card', 'note')") == 0)
        // Everything as it was but `modified`, which restore moves so that sync sends it out.
        try store.write {
            try store.db.run("UPDATE cards SET modified = 1")
            try store.db.run("UPDATE notes SET modified = 1")
        }
        #expect(try snapshot() == before)
        #expect(try store.trash().isEmpty)
    }
}
