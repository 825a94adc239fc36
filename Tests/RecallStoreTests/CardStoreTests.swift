import Foundation
import RecallModel
import RecallScheduler
import Testing
@testable import RecallStore

@Suite struct CardStoreTests {
    let now: Millis = 1_764_072_000_000  // 2025-11-25T12:00:00Z

    func makeStore() throws -> (TemporaryFolder, Store) {
        let folder = TemporaryFolder()
        return (folder, try Store(path: folder.path("recall.sqlite")))
    }

    @Test func cardIdsAreNeverReusedAfterDeletion() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        let first = try store.addNote(deck: "D", front: "a", back: "b", now: now)
        try store.deleteCards(first, now: now)
        let second = try store.addNote(deck: "D", front: "c", back: "d", now: now)
        #expect(second[0] > first[0])
    }

    @Test func deletingACardLeavesTombstonesForItAndItsNote() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        let ids = try store.addNote(deck: "D", kind: .reversed, front: "a", back: "b", ordinals: [1, 2], now: now)
        let card = try store.requireCard(ids[0])
        try store.deleteCards([ids[0]], now: now + 5)
        #expect(try store.db.scalarInt("SELECT count(*) FROM tombstones WHERE kind = 'card' AND id = ?", [.text(card.guid)]) == 1)
        #expect(try store.db.scalarInt("SELECT count(*) FROM tombstones WHERE kind = 'note'") == 0)
        try store.deleteCards([ids[1]], now: now + 6)
        #expect(try store.db.scalarInt("SELECT deleted FROM tombstones WHERE kind = 'note' AND id = ?", [.text(card.noteGUID)]) == now + 6)
    }

    @Test(arguments: ["\"foo", "AND", "c++", "*", "NEAR(", "a:b", "-x", "'", "(", "\"\"", "OR NOT"])
    func anyTextIsAValidSearchQuery(query: String) throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        try store.addNote(deck: "D", front: "c++ templates", back: "AND gates, NEAR misses", now: now)
        _ = try store.search(query)
    }

    @Test func searchFindsWordsInFrontsBacksAndTags() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        let gil = try store.addNote(deck: "D", front: "What is the GIL?", back: "A mutex in CPython", tags: ["threads"], now: now)
        try store.addNote(deck: "D", front: "Decorators", back: "wrap functions", now: now)
        #expect(try store.search("mutex").map(\.id) == gil)
        #expect(try store.search("gil").map(\.id) == gil)
        #expect(try store.search("threads").map(\.id) == gil)
        #expect(try store.search("cpython MUTEX").map(\.id) == gil)
        #expect(try store.search("nothing-here").isEmpty)
    }

    @Test func searchFollowsEditsAndDeletions() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        let ids = try store.addNote(deck: "D", front: "alpha", back: "beta", now: now)
        try store.editNote(ofCard: ids[0], front: "gamma", back: nil, tags: nil, now: now + 1)
        #expect(try store.search("alpha").isEmpty)
        #expect(try store.search("gamma").map(\.id) == ids)
        try store.deleteCards(ids, now: now + 2)
        #expect(try store.search("gamma").isEmpty)
    }

    @Test func deckSummariesCountNewLearningDueAndTotal() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        var ids: [Int64] = []
        for index in 0..<4 { ids += try store.addNote(deck: "D", front: "q\(index)", back: "a", now: now) }
        try store.db.run("UPDATE cards SET phase = 'learning', due = ? WHERE id = ?", [.integer(now + 60_000), .integer(ids[0])])
        try store.db.run("UPDATE cards SET phase = 'review', due = ? WHERE id = ?", [.integer(now - 1), .integer(ids[1])])
        try store.db.run("UPDATE cards SET phase = 'review', due = ? WHERE id = ?", [.integer(now + 10 * millisPerDay), .integer(ids[2])])
        try store.setSuspended([ids[3]], true, now: now)
        let summary = try store.deckSummaries(now: now, today: 0, endOfToday: now + millisPerDay / 2)
        #expect(summary == [DeckSummary(name: "D", new: 0, learning: 1, due: 1, total: 4, suspended: 1)])
    }

    @Test func renamingADeckRenamesItsSubDecksAndRefusesClashes() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        try store.addNote(deck: "Lang", front: "a", back: "b", now: now)
        try store.addNote(deck: "Lang::Go", front: "c", back: "d", now: now)
        try store.addNote(deck: "Other", front: "e", back: "f", now: now)
        #expect(throws: StoreError.deckExists("Other")) { try store.renameDeck("Lang", to: "Other", now: now) }
        try store.renameDeck("Lang", to: "Languages", now: now)
        #expect(try store.decks().map(\.name) == ["Languages", "Languages::Go", "Other"])
        #expect(throws: StoreError.deckNotFound("Lang")) { try store.renameDeck("Lang", to: "X", now: now) }
    }

    @Test func unicodeAndHostileTextRoundTripExactly() throws {
        let (folder, store) = try makeStore()
        defer { withExtendedLifetime(folder) {} }
        let texts = [
            "'); DROP TABLE cards;--",
            "emoji 👩‍💻🇫🇷 combining e\u{301} Zalgo a\u{300}\u{301}\u{302}",
            "עברית right-to-left مرحبا",
            String(repeating: "long back ✓ ", count: 90_000),
        ]
        for text in texts {
            let id = try store.addNote(deck: "Ü 📚", front: text, back: text, tags: ["tag-ü"], now: now)[0]
            let card = try store.requireCard(id)
            #expect(card.front == text)
            #expect(card.back == text)
            #expect(card.deck == "Ü 📚")
            #expect(card.tags == ["tag-ü"])
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM cards") == Int64(texts.count))
    }
}
