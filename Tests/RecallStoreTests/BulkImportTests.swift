import Foundation
import RecallModel
import RecallScheduler
import Testing
@testable import RecallStore

/// A large import takes a different path from a small one: rows go in many per statement with
/// explicit ids and guids in runs, and the search index is filled in one statement with its
/// insert trigger dropped meanwhile. These prove the store ends up as the row-by-row path leaves it.
@Suite struct BulkImportTests {
    let now: Millis = 1_764_072_000_000  // 2025-11-25T12:00:00Z

    func notes(_ count: Int, word: String) -> [ImportedNote] {
        (0..<count).map { index in
            ImportedNote(
                deck: "Bank", kind: index % 7 == 0 ? .reversed : .basic,
                front: "Question \(index) about \(word)?", back: "Answer \(index) with `code` and \(word)answer.",
                tags: index % 2 == 0 ? ["even"] : [], ordinals: index % 7 == 0 ? [1, 2] : [1],
                source: "bank.tsv", sourceLine: index + 1, questionKey: "q\(index)", answerKey: "a\(index)", contentKey: "h\(index)")
        }
    }

    @Test func aLargeImportIsSearchableAndKeepsIdsGuidsAndTheSearchTriggerRight() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let old = try store.addNote(deck: "Old", front: "zebra facts", back: "stripes", now: now)
        let deleted = try store.addNote(deck: "Old", front: "highest id so far", back: "deleted before the import", now: now)
        try store.deleteCards(deleted, now: now)
        let deletedNote = try #require(try store.db.scalarInt("SELECT seq FROM sqlite_sequence WHERE name = 'notes'"))

        let count = Store.bulkIndexThreshold + 100
        let reversed = (count + 6) / 7  // every seventh note, from the first, also has a reversed card
        let counts = try store.write { try store.applyImport(added: notes(count, word: "walrus"), updated: [], pruned: [], now: now) }
        #expect(counts.notesAdded == count)
        #expect(counts.cardsAdded == count + reversed)

        // Ids continue after every id ever used (AUTOINCREMENT never reuses one), in source order.
        #expect(try store.db.scalarInt("SELECT min(id) FROM notes WHERE deck_id != (SELECT id FROM decks WHERE name = 'Old')") == deletedNote + 1)
        #expect(try store.db.scalarInt("SELECT source_line FROM notes WHERE id = ?", [.integer(deletedNote + 1)]) == 1)
        // Guids are unique, 16 lowercase hex digits, like the ones SQLite makes one by one.
        for table in ["notes", "cards"] {
            let rows = try store.db.scalarInt("SELECT count(*) FROM \(table)")
            #expect(try store.db.scalarInt("SELECT count(DISTINCT guid) FROM \(table)") == rows)
            #expect(try store.db.scalarInt("SELECT count(*) FROM \(table) WHERE guid NOT GLOB '[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]'") == 0)
        }
        // Every card belongs to its own note, with the ordinals asked for.
        #expect(try store.db.scalarInt("SELECT count(*) FROM cards c JOIN notes n ON n.id = c.note_id WHERE n.kind = 'reversed' AND c.ordinal = 2") == Int64(reversed))

        // Old and new notes are found, the index is sound, and the trigger is back for later notes.
        #expect(try store.search("walrus").count == count + reversed)
        #expect(try store.search("zebra").map(\.id) == old)
        #expect(try store.search("Question 123 walrus").count == 1)
        try store.db.execute("INSERT INTO notes_fts(notes_fts, rank) VALUES ('integrity-check', 1)")
        let later = try store.addNote(deck: "Old", front: "okapi", back: "added after the import", now: now)
        #expect(try store.search("okapi").map(\.id) == later)
    }

    @Test func aFailedLargeImportLeavesTheStoreAsItWas() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        try store.addNote(deck: "Old", front: "zebra facts", back: "stripes", now: now)
        var batch = notes(Store.bulkIndexThreshold + 10, word: "walrus")
        batch[batch.count - 1].ordinals = [1, 1]  // the same card twice breaks UNIQUE(note_id, ordinal)
        #expect(throws: (any Error).self) {
            try store.write { try store.applyImport(added: batch, updated: [], pruned: [], now: now) }
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM notes") == 1)
        #expect(try store.search("walrus").isEmpty)
        #expect(try store.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'notes_fts_insert'") == 1)
        let later = try store.addNote(deck: "Old", front: "okapi", back: "still indexed", now: now)
        #expect(try store.search("okapi").map(\.id) == later)
    }
}
