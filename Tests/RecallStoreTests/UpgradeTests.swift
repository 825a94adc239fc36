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

    /// Schema 6 reshaped the review log (keyed by card, time and id; UUIDs as 16 bytes; undo's
    /// records in `review_undo`). A store made at schema 5 (here: the rows a store answered
    /// into, written back in schema 5's shape, with one card's log merged from elsewhere and
    /// the first answers published) keeps every review with its id, replays to its cards, and
    /// undo still takes back exactly the answers it could take back before.
    @Test func aSchemaFiveStoreWithReviewsKeepsThemAndItsUndo() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        let made = folder.path("made.sqlite")
        let start: Millis = 1_764_000_000_000
        var statesBefore: [String: CardState] = [:]
        var cardIDs: [Int64] = []
        do {
            let store = try Store(path: made)
            try store.write {
                for index in 0..<3 {
                    let ids = try store.addNote(deck: "Go", kind: .basic, front: "q\(index)", back: "a", ordinals: [1], now: start)
                    cardIDs.append(ids[0])
                }
                var now = start + 60_000
                for round in 0..<3 {
                    for id in cardIDs {
                        let before = try store.requireCard(id).state
                        let answer = try store.answer(cardID: id, rating: round == 1 ? .again : .good, durationMS: 900, now: now,
                                                      timeZone: zone)
                        statesBefore[answer.reviewID] = before
                        now += 86_400_000
                    }
                }
                _ = try store.moveToTrash(cards: [cardIDs[2]], reason: "test", now: now)
            }
        }
        let old = folder.path("old.sqlite")
        do {
            let db = try Database(path: old)
            try db.execute("PRAGMA application_id = \(Store.applicationID)")
            for migration in Migration.all where migration.version <= 5 { try db.execute(migration.sql) }
            try db.execute("PRAGMA user_version = 5")
            try db.run("ATTACH ? AS made", [.text(made)])
            // A UUID's text from its 16 bytes, as schema 5 kept it.
            let text = "lower(substr(hex(r.id), 1, 8) || '-' || substr(hex(r.id), 9, 4) || '-' || substr(hex(r.id), 13, 4) || '-' "
                + "|| substr(hex(r.id), 17, 4) || '-' || substr(hex(r.id), 21, 12))"
            try db.execute("""
                DELETE FROM settings;
                INSERT INTO settings SELECT * FROM made.settings;
                INSERT INTO decks(id, name, config, created, modified, guid) SELECT id, name, config, created, modified, guid FROM made.decks;
                INSERT INTO notes SELECT * FROM made.notes;
                INSERT INTO cards SELECT * FROM made.cards;
                INSERT INTO tombstones SELECT * FROM made.tombstones;
                INSERT INTO trash SELECT * FROM made.trash;
                INSERT INTO trash_cards SELECT * FROM made.trash_cards;
                INSERT INTO trash_notes SELECT * FROM made.trash_notes;
                INSERT INTO trash_reviews(id, card_id, reviewed_at, rating, duration_ms, undoable, prev_phase, prev_stability,
                                          prev_reps, prev_lapses, prev_step, prev_interval_days, prev_suspended)
                    SELECT \(text), r.card_id, r.reviewed_at, r.rating, r.duration_ms, 0, r.prev_phase, r.prev_stability, 0, 0, 0,
                           r.prev_interval_days, 0 FROM made.trash_reviews r;
                INSERT INTO review_log(rowid, id, card_id, reviewed_at, rating, duration_ms, undoable, prev_phase, prev_due,
                                       prev_stability, prev_difficulty, prev_reps, prev_lapses, prev_last_review, prev_step,
                                       prev_interval_days, prev_ease, prev_suspended, prev_tags, buried_siblings)
                    SELECT u.seq, \(text), r.card_id, r.reviewed_at, r.rating, r.duration_ms, 1, u.prev_phase, u.prev_due,
                           u.prev_stability, u.prev_difficulty, u.prev_reps, u.prev_lapses, u.prev_last_review, u.prev_step,
                           u.prev_interval_days, u.prev_ease, u.prev_suspended, u.prev_tags, u.buried_siblings
                    FROM made.review_log r JOIN made.review_undo u ON u.review_id = r.id;
                DETACH made;
                """)
            // The first card's log came from elsewhere (not undoable here); the first round of
            // answers was written into a deck file.
            try db.run("UPDATE review_log SET undoable = 0 WHERE card_id = ?", [.integer(cardIDs[0])])
            try db.run("INSERT INTO settings(key, value) VALUES ('published_review_rowid', '2')")
            #expect(try db.scalarInt("SELECT count(*) FROM review_log") == 6)
            #expect(try db.scalarInt("SELECT count(*) FROM trash_reviews") == 3)
        }

        let store = try Store(path: old)
        #expect(try store.db.scalarInt("PRAGMA user_version") == Int64(Migration.latestVersion))
        #expect(try store.db.scalarInt("SELECT count(*) FROM review_log WHERE typeof(id) = 'blob' AND length(id) = 16") == 6)
        // The second card's answers after the published mark, and the newest at it (undo names it as it refuses).
        #expect(try store.db.scalarInt("SELECT count(*) FROM review_undo") == 3)
        let logs = try store.reviewsByCard(Array(cardIDs.prefix(2)))
        #expect(Set(logs.values.joined().map(\.id.description)) == Set(statesBefore.keys).intersection(
            try Database(path: made, readOnly: true).rows("SELECT card_id, id FROM review_log") { $0.reviewID(1).description }))
        #expect(try store.checkReplay(timeZone: zone, fix: false).isEmpty)
        #expect(try store.trashedReviewsByGUID().values.joined().count == 3)

        // Undo takes back the second card's answers, newest first, back to the published mark.
        let second = try #require(logs[cardIDs[1]])
        for review in second.reversed().prefix(2) {
            let undone = try #require(try store.write { try store.undoLastAnswer() })
            #expect(undone.cardID == cardIDs[1])
            #expect(undone.restored == statesBefore[review.id.description])
            #expect(try store.requireCard(cardIDs[1]).state == statesBefore[review.id.description])
        }
        #expect(throws: StoreError.self) { try store.write { try store.undoLastAnswer() } }
        #expect(try store.reviews(ofCard: cardIDs[1]).count == 1)
        #expect(try store.checkReplay(timeZone: zone, fix: false).isEmpty)

        // A new answer is undoable again; the restored card keeps its log.
        let answer = try store.write {
            try store.answer(cardID: cardIDs[0], rating: .easy, durationMS: 500, now: start + 20 * 86_400_000, timeZone: zone)
        }
        #expect(try store.write { try store.undoLastAnswer() }?.cardID == answer.card.id)
        _ = try store.write { try store.restoreFromTrash([cardIDs[2]], now: start + 30 * 86_400_000) }
        #expect(try store.reviews(ofCard: cardIDs[2]).count == 3)
        #expect(try store.checkReplay(timeZone: zone, fix: false).isEmpty)
    }
}
