import Foundation
import RecallModel
import RecallScheduler
@testable import RecallStore
import Testing

@testable import RecallSync

/// A merge that adds many notes and reviews (a first import, a first sync) takes shortcuts in
/// how it writes: notes indexed for search in one statement, the review log's secondary
/// indexes dropped and built again after the reviews, cards written before their reviews. The
/// rows it leaves must be exactly those an ordinary merge of the same cards leaves.
@Suite struct BulkMergeTests {
    /// 600 notes (basic, reversed, cloze) in two decks, with 20 reviews on each card that has
    /// reviews: enough for both shortcuts (500 notes, 10,000 reviews).
    static func bigFile() -> DeckFile {
        var decks = [DeckFile.Deck(name: "Big", modified: day(0)), DeckFile.Deck(name: "Big::Sub", config: ["desired_retention": "0.85"], modified: day(0))]
        var reviewNumber = 0
        for n in 0..<600 {
            let kind: NoteKind = n % 6 == 0 ? .reversed : n % 6 == 1 ? .cloze : .basic
            let ordinals = kind == .basic ? [1] : kind == .reversed ? [1, 2] : [1, 2, 3]
            let note = String(format: "%016x", 0xA000_0000 + n)
            for ordinal in ordinals {
                let id = String(format: "%016x", 0xC000_0000 + n * 4 + ordinal)
                var reviews: [Review] = []
                if (n + ordinal) % 5 != 0 {  // some cards stay new
                    for k in 0..<20 {
                        reviewNumber += 1
                        // Times interleave the cards (as real study does), ids sort by time.
                        let at = day(k * 3 + n % 3, minutes: (n * 7 + ordinal) % 600)
                        let text = String(format: "%08x-%04x-7%03x-%04x-%012x", at >> 16, at & 0xFFFF, reviewNumber & 0xFFF,
                                          0x8000 | (reviewNumber >> 12), reviewNumber)
                        let rating: Rating = (n + k) % 11 == 0 ? .again : (n + k) % 7 == 0 ? .hard : (n + k) % 13 == 0 ? .easy : .good
                        reviews.append(Review(id: ReviewID(text), at: at, rating: rating, durationMS: Int64(1000 + k)))
                    }
                }
                let front = kind == .cloze ? "Note \(n): {{c1::alpha}} {{c2::beta}} {{c3::gamma}} word\(n)" : "Question \(n) word\(n)?"
                let origin = n % 2 == 0 ? NoteOrigin(file: "bank.md", line: n + 1, questionKey: String(format: "%016x", n),
                                                     answerKey: "", contentKey: String(format: "%016x", n * 31)) : nil
                decks[n % 2].cards.append(DeckFile.Card(
                    id: id, note: note, kind: kind, ordinal: ordinal, front: front, back: kind == .cloze ? "" : "Answer \(n)",
                    tags: n % 3 == 0 ? ["t\(n % 4)"] : [], created: day(0), modified: day(0, minutes: n % 50),
                    suspended: n % 17 == 0, reviews: reviews, origin: origin))
            }
        }
        return DeckFile(decks: decks, tombstones: [Tombstone(id: "ffffffffffffffff", kind: .card, deleted: day(1))])
    }

    /// The file's notes split in two halves by note, each below both shortcuts' thresholds.
    static func halves(_ file: DeckFile) -> [DeckFile] {
        [0, 1].map { half in
            DeckFile(decks: file.decks.map { deck in
                var deck = deck
                deck.cards = deck.cards.filter { (Int($0.note.suffix(3), radix: 16) ?? 0) % 2 == half }
                return deck
            }, tombstones: file.tombstones)
        }
    }

    /// Everything the merge wrote, row by row, in an order that does not depend on row ids.
    static func rows(_ store: Store) throws -> [String] {
        func dump(_ sql: String, columns: Int32) throws -> [String] {
            try store.db.rows(sql) { row in (0..<columns).map { row.text($0) ?? "null" }.joined(separator: "|") }
        }
        return try dump(
            """
            SELECT hex(r.id), c.guid, r.reviewed_at, r.rating, r.duration_ms, r.prev_phase, r.prev_stability, r.prev_interval_days,
                   (SELECT count(*) FROM review_undo u WHERE u.review_id = r.id)
            FROM review_log r JOIN cards c ON c.id = r.card_id ORDER BY r.id
            """, columns: 9)
            + dump(
                """
                SELECT c.guid, n.guid, d.name, c.ordinal, c.phase, c.due, c.stability, c.difficulty, c.reps, c.lapses, c.last_review,
                       c.step, c.interval_days, c.ease, c.suspended, c.created, c.modified, n.kind, n.front, n.back, n.tags,
                       n.source, n.source_line, n.identity, n.answer_key, n.source_hash, n.created, n.modified
                FROM cards c JOIN notes n ON n.id = c.note_id JOIN decks d ON d.id = c.deck_id ORDER BY c.guid
                """, columns: 28)
    }

    static func schema(_ store: Store) throws -> [String] {
        try store.db.rows("SELECT type || ' ' || name FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name") { $0.textValue(0) }
    }

    @Test func aBulkMergeWritesExactlyWhatAnOrdinaryMergeWrites() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let file = Self.bigFile()
        let bulk = try makeStore(folder, "bulk")
        let schemaBefore = try Self.schema(bulk)
        let report = try bulk.write { try DeckMerge.merge([file], into: bulk, timeZone: utc) }
        #expect(report.reviewsAdded > 10_000)
        #expect(report.cardsAdded == 900)

        let ordinary = try makeStore(folder, "ordinary")
        for half in Self.halves(file) {
            let counts = half.decks.reduce((0, 0)) { ($0.0 + $1.cards.count, $0.1 + $1.cards.reduce(0) { $0 + $1.reviews.count }) }
            #expect(counts.0 < 500 * 3 && counts.1 < 10_000)
            _ = try ordinary.write { try DeckMerge.merge([half], into: ordinary, timeZone: utc) }
        }

        #expect(try Self.rows(bulk) == Self.rows(ordinary))
        #expect(try bulk.exportText() == ordinary.exportText())
        #expect(try bulk.checkReplay(timeZone: utc, fix: false).isEmpty)
        // The indexes and the search trigger are back, and the search index holds every note.
        #expect(try Self.schema(bulk) == schemaBefore)
        try bulk.db.execute("INSERT INTO notes_fts(notes_fts) VALUES ('integrity-check')")
        #expect(try bulk.db.scalarInt("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'word599'") == 1)
        #expect(try bulk.db.rows("PRAGMA foreign_key_check") { $0.textValue(0) }.isEmpty)
        #expect(try bulk.db.scalarInt("SELECT count(*) FROM review_log WHERE card_id NOT IN (SELECT id FROM cards)") == 0)
        // Its export, imported into another empty store (a bulk merge again), gives the same bytes.
        let copy = try makeStore(folder, "copy")
        let text = try bulk.exportText()
        try copy.importText(text)
        #expect(try copy.exportText() == text)
    }

    /// A merge takes a few thousand cards at a time (`MergeChunks`): whatever the size of the
    /// chunks, into an empty store or one that holds half the cards already (one edited since),
    /// it writes exactly what one merge of everything at once writes.
    @Test(arguments: [1, 7, 300])
    func aMergeInChunksWritesExactlyWhatAMergeInOneWrites(chunkSize: Int) throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let file = Self.bigFile()
        // The store's half has an edit made later than the file's, which must win.
        var half = Self.halves(file)[0]
        half.decks[0].cards[3].front = "Edited here"
        half.decks[0].cards[3].modified = day(500)
        var stores: [Store] = []
        for (name, size) in [("whole", 1_000_000), ("chunked", chunkSize)] {
            let empty = try makeStore(folder, "\(name)-empty")
            let halfFull = try makeStore(folder, "\(name)-half")
            try DeckMerge.$chunkSize.withValue(size) {
                _ = try empty.write { try DeckMerge.merge([file], into: empty, timeZone: utc) }
                _ = try halfFull.write { try DeckMerge.merge([half], into: halfFull, timeZone: utc) }
                _ = try halfFull.write { try DeckMerge.merge([file], into: halfFull, timeZone: utc) }
            }
            stores += [empty, halfFull]
        }
        #expect(try Self.rows(stores[2]) == Self.rows(stores[0]))
        #expect(try stores[2].exportText() == stores[0].exportText())
        #expect(try stores[3].exportText() == stores[1].exportText())
        #expect(try stores[3].exportText().contains("Edited here"))
        for store in stores { #expect(try store.checkReplay(timeZone: utc, fix: false).isEmpty) }
        #expect(try Self.schema(stores[2]) == Self.schema(stores[0]))
    }

    @Test func aFailedBulkMergeLeavesTheIndexesAndTriggerAsTheyWere() throws {
        struct Stop: Error {}
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try makeStore(folder, "store")
        let before = try Self.schema(store)
        #expect(throws: Stop.self) {
            try store.write {
                let writer = try SyncWriter(store: store)
                try writer.beginNewNotes(count: 1000)
                try writer.beginNewReviews(count: 50_000)
                // Into an empty store: the search trigger, the log's two indexes (ids, time),
                // notes' two (deck, source) and cards' two (the queue's).
                #expect(Set(before).subtracting(try Self.schema(store)) == [
                    "trigger notes_fts_insert", "index review_log_by_id", "index review_log_by_time", "index notes_by_deck",
                    "index notes_by_source", "index cards_by_deck_queue", "index cards_by_queue",
                ])
                throw Stop()
            }
        }
        #expect(try Self.schema(store) == before)
    }

    // MARK: Rollback journal

    static func journalMode(_ store: Store) throws -> String? {
        try store.db.row("PRAGMA journal_mode") { $0.textValue(0) }
    }

    /// The file as `recall export` writes it, saved, and opened as a stream (as import and sync read it).
    static func savedStream(_ file: DeckFile, _ folder: TemporaryFolder, _ name: String) throws -> DeckFileStream {
        let writer = try makeStore(folder, name + "-source")
        _ = try writer.write { try DeckMerge.merge([file], into: writer, timeZone: utc) }
        let path = folder.path(name + ".json")
        try writer.exportText().write(toFile: path, atomically: true, encoding: .utf8)
        return try DeckFileStream.open(path: path).stream
    }

    /// Merges `stream` into `store` as import and sync do (`DeckMerge.write`), `chunkSize` cards
    /// at a time; returns the journal mode the merge ran in, and its report.
    static func mergeNotingTheJournal(_ stream: DeckFileStream, into store: Store,
                                      chunkSize: Int) throws -> (mode: String?, report: MergeReport) {
        var mode: String?
        let report = try DeckMerge.$chunkSize.withValue(chunkSize) {
            try DeckMerge.write(store, merging: [stream]) {
                mode = try journalMode(store)
                return try DeckMerge.merge(sources: [stream], into: store, timeZone: utc)
            }
        }
        return (mode, report)
    }

    @Test func aBulkMergeIntoAStoreWithoutCardsWritesThroughARollbackJournalAndReturnsToTheLog() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let stream = try Self.savedStream(Self.bigFile(), folder, "big")
        let bulk = try makeStore(folder, "bulk")
        #expect(try Self.journalMode(bulk) == "wal")
        #expect(try Self.mergeNotingTheJournal(stream, into: bulk, chunkSize: 100).mode == "delete")
        #expect(try Self.journalMode(bulk) == "wal")
        #expect(!FileManager.default.fileExists(atPath: bulk.path + "-journal"))

        // The same rows as a merge through the log (one chunk: no bulk journal).
        let ordinary = try makeStore(folder, "ordinary")
        #expect(try Self.mergeNotingTheJournal(stream, into: ordinary, chunkSize: DeckMerge.chunkSize).mode == "wal")
        #expect(try Self.rows(bulk) == Self.rows(ordinary))
        #expect(try bulk.db.row("PRAGMA integrity_check") { $0.textValue(0) } == "ok")
    }

    @Test func aBulkMergeIntoAStoreThatHoldsCardsStaysInTheLog() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let file = Self.bigFile()
        let stream = try Self.savedStream(file, folder, "big")
        let store = try makeStore(folder, "store")
        _ = try store.write { try DeckMerge.merge([Self.halves(file)[0]], into: store, timeZone: utc) }
        #expect(try Self.mergeNotingTheJournal(stream, into: store, chunkSize: 100).mode == "wal")
    }

    @Test func anotherConnectionToTheStoreKeepsABulkMergeInTheLog() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let stream = try Self.savedStream(Self.bigFile(), folder, "big")
        let store = try makeStore(folder, "store")
        // Another program with the store open (a review screen, say) and reading it.
        let other = try Database(path: store.path)
        #expect(try other.scalarInt("SELECT count(*) FROM cards") == 0)
        let (mode, report) = try Self.mergeNotingTheJournal(stream, into: store, chunkSize: 100)
        #expect(mode == "wal")
        #expect(report.cardsAdded == 900)
        #expect(try other.scalarInt("SELECT count(*) FROM cards") == 900)
    }

    @Test func aStoreLeftInRollbackModeByACrashReturnsToTheLogWhenOpened() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = try makeStore(folder, "store").path
        do {
            let db = try Database(path: path)
            #expect(try db.row("PRAGMA journal_mode = DELETE") { $0.textValue(0) } == "delete")
        }
        let reopened = try Store(path: path)
        #expect(try Self.journalMode(reopened) == "wal")
    }

    // MARK: Copies of a card in several files

    /// `bigFile()`, and the same with card `card` of deck `deck` edited later on another device.
    static func fileAndAnEditedCopy(deck: Int, card: Int) -> (file: DeckFile, edited: DeckFile) {
        let file = bigFile()
        var edited = file
        edited.decks[deck].cards[card].front = "Edited on another device"
        edited.decks[deck].cards[card].modified = day(400)
        return (file, edited)
    }

    @Test func aCardCopiedToTheByteInALaterFileIsReadOnceAndAChangedOneIsNot() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let (file, edited) = Self.fileAndAnEditedCopy(deck: 0, card: 5)
        let first = try Self.savedStream(file, folder, "first")
        let copy = try Self.savedStream(file, folder, "copy")
        let changed = try Self.savedStream(edited, folder, "changed")
        let some = Array(0..<40)
        let copies = CardCopies()
        #expect(try first.cards(some, leavingOut: copies).count == 40)
        #expect(try copy.cards(some, leavingOut: copies).isEmpty)
        let fromChanged = try changed.cards(some, leavingOut: copies)
        // The edited card and its siblings (which share its note's text); nothing else.
        #expect(!fromChanged.isEmpty && fromChanged.count <= 3)
        #expect(fromChanged.allSatisfy { $0.card.front == "Edited on another device" })
        // Without `copies`, every card is read.
        #expect(try copy.cards(some).count == 40)
    }

    @Test func mergingAFileWithItsCopiesAndAnEditedCopyWritesWhatTheEditedOneAloneWrites() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        var (file, edited) = Self.fileAndAnEditedCopy(deck: 1, card: 7)
        edited.decks[0].cards[2].reviews.append(Review(id: ReviewID("00000000-0000-7000-8000-00000000abcd"), at: day(300),
                                                       rating: .good, durationMS: 1000))
        let sources = [try Self.savedStream(file, folder, "a"), try Self.savedStream(file, folder, "b"),
                       try Self.savedStream(edited, folder, "c")]
        for size in [1_000_000, 50] {
            let three = try makeStore(folder, "three-\(size)")
            let one = try makeStore(folder, "one-\(size)")
            try DeckMerge.$chunkSize.withValue(size) {
                _ = try three.write { try DeckMerge.merge(sources: sources, into: three, timeZone: utc) }
                _ = try one.write { try DeckMerge.merge(sources: [sources[2]], into: one, timeZone: utc) }
            }
            #expect(try Self.rows(three) == Self.rows(one))
            #expect(try three.exportText() == one.exportText())
            #expect(try three.exportText().contains("Edited on another device"))
            #expect(try three.db.scalarInt("SELECT count(*) FROM review_log") == one.db.scalarInt("SELECT count(*) FROM review_log"))
        }
    }
}
