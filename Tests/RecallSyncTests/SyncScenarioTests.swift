import Foundation
import RecallModel
import RecallScheduler
@testable import RecallStore
import Testing

@testable import RecallSync

/// Issue 7: stores syncing through one folder, in any order, with edits, reviews and deletions
/// on each side, end with identical exports (DESIGN.md invariant 4).
@Suite struct SyncScenarioTests {
    /// Three stores that have synced once, so that they share the starting cards.
    final class Peers {
        let folder = TemporaryFolder()
        let a: Store
        let b: Store
        let c: Store
        var warnings: [String] = []

        init() throws {
            try FileManager.default.createDirectory(atPath: folder.path("shared"), withIntermediateDirectories: true)
            a = try makeStore(folder, "a")
            b = try makeStore(folder, "b")
            c = try makeStore(folder, "c")
            try a.write {
                for front in ["X: edited on two stores", "Y: reviewed on two stores", "Z: deleted on one, edited on another",
                              "W: deleted, then edited later", "Plain"] {
                    try a.addNote(deck: "Main", front: front, back: "answer", tags: ["start"], now: day(0))
                }
                try a.addNote(deck: "Main", kind: .reversed, front: "gato", back: "cat", ordinals: [1, 2], now: day(0))
                try a.addNote(deck: "Other", front: "In a deck that will be renamed", back: "yes", now: day(0))
                try a.addNote(deck: "Main", kind: .cloze, front: "{{c1::Paris}} is in {{c2::France}}", back: "", ordinals: [1, 2], now: day(0))
            }
            try a.answerCard(try a.card(front: "Y: reviewed on two stores").id, .good, at: day(0, minutes: 5))
            for store in [a, b, c] { try sync(store) }
            try sync(a)
        }

        var shared: String { folder.path("shared") }

        @discardableResult
        func sync(_ store: Store) throws -> SyncOutcome {
            let outcome = try FolderSync.sync(store: store, folder: shared, timeZone: utc)
            warnings += outcome.warnings
            return outcome
        }

        func store(_ name: Character) -> Store { name == "a" ? a : name == "b" ? b : c }
    }

    /// Conflicting changes made on the three stores before they sync again.
    static func diverge(_ peers: Peers) throws {
        let (a, b, c) = (peers.a, peers.b, peers.c)
        try a.write {
            _ = try a.editNote(ofCard: try a.card(front: "X: edited on two stores").id, front: nil, back: "X by A", tags: nil, now: day(1))
            try a.setOption("desired_retention", to: "0.8", deck: "Main", now: day(1))
            _ = try a.checkReplay(timeZone: utc, fix: true)  // as `recall config` does
            try a.addNote(deck: "Main", front: "New on A", back: "a", now: day(1))
            _ = try a.editNote(ofCard: try a.card(front: "W: deleted, then edited later").id, front: nil, back: "W kept by A", tags: nil, now: day(4))
        }
        try a.answerCard(try a.card(front: "Y: reviewed on two stores").id, .good, at: day(1, minutes: 10))
        try b.write {
            _ = try b.editNote(ofCard: try b.card(front: "X: edited on two stores").id, front: nil, back: "X by B", tags: ["b"], now: day(2))
            _ = try b.editNote(ofCard: try b.card(front: "Z: deleted on one, edited on another").id, front: nil, back: "Z by B", tags: nil, now: day(2))
            try b.deleteCards([try b.card(front: "W: deleted, then edited later").id], now: day(2))
            try b.setSuspended([try b.cards(deck: "Main").first { $0.front == "gato" && $0.ordinal == 2 }.map(\.id) ?? 0], true, now: day(2))
            try b.renameDeck("Other", to: "Renamed", now: day(2))
        }
        try c.answerCard(try c.card(front: "Y: reviewed on two stores").id, .again, at: day(1, minutes: 20))
        try c.answerCard(try c.card(front: "Plain").id, .easy, at: day(2))
        try c.write {
            try c.deleteCards([try c.card(front: "Z: deleted on one, edited on another").id], now: day(3))
            try c.setOption("desired_retention", to: "0.85", deck: "Main", now: day(3))
            _ = try c.checkReplay(timeZone: utc, fix: true)
            try c.addNote(deck: "From C", front: "New on C", back: "c", now: day(1))
        }
    }

    static let orders: [String] = ["abc", "acb", "bac", "bca", "cab", "cba"]

    @Test(arguments: orders)
    func threeStoresConvergeInAnyOrder(order: String) throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        try Self.diverge(peers)
        for _ in 0..<2 { for name in order { try peers.sync(peers.store(name)) } }
        #expect(peers.warnings.isEmpty, "\(peers.warnings)")
        let export = try peers.a.exportText()
        #expect(try peers.b.exportText() == export)
        #expect(try peers.c.exportText() == export)

        let store = peers.b
        // Newest edit wins: B's edit of X (day 2) over A's (day 1); C's options (day 3) over A's.
        let x = try store.card(front: "X: edited on two stores")
        #expect(x.back == "X by B")
        #expect(x.tags == ["b"])
        #expect(try store.deck(named: "Main")?.config == "{\"desired_retention\":\"0.85\"}")
        // Reviews of one card on two machines are both kept; the state is their replay.
        let y = try store.card(front: "Y: reviewed on two stores")
        #expect(try store.reviews(ofCard: y.id).map(\.rating) == [.good, .good, .again])
        #expect(try store.checkReplay(timeZone: utc, fix: false).isEmpty)
        // A deletion (day 3) wins over an older edit (day 2); an edit (day 4) survives an older deletion (day 2).
        #expect(try store.cards().first { $0.front == "Z: deleted on one, edited on another" } == nil)
        #expect(try store.card(front: "W: deleted, then edited later").back == "W kept by A")
        // Suspension, a rename and new cards travel too.
        #expect(try store.cards(deck: "Main").first { $0.front == "gato" && $0.ordinal == 2 }?.suspended == true)
        #expect(try store.deck(named: "Other") == nil)
        #expect(try store.card(front: "In a deck that will be renamed").deck == "Renamed")
        #expect(try store.card(front: "New on A").deck == "Main")
        #expect(try store.card(front: "New on C").deck == "From C")
        #expect(try store.card(front: "Plain").state.phase == .review)
    }

    @Test func aSecondSyncWithNothingNewReadsAndWritesNothing() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        for store in [peers.a, peers.b, peers.c, peers.a, peers.b, peers.c] { try peers.sync(store) }
        let own = try peers.a.deviceID() + ".json"
        let before = FileStamp.of(peers.folder.path("shared/" + own))
        let outcome = try peers.sync(peers.a)
        #expect(outcome.upToDate)
        #expect(FileStamp.of(peers.folder.path("shared/" + own)) == before)
        // A change on another store makes the next sync read again.
        try peers.b.answerCard(try peers.b.card(front: "Plain").id, .good, at: day(1))
        try peers.sync(peers.b)
        let next = try peers.sync(peers.a)
        #expect(!next.upToDate)
        #expect(next.report.reviewsAdded == 1)
    }

    /// The fingerprint reads only the log's size, ends and last undo number: every change a user
    /// can make between two syncs must still change it, the ones that leave the log's size as it
    /// was included (an answer undone and given again, a card's reviews that go with it to the
    /// trash and come back).
    @Test func everyChangeToTheStoreChangesItsSyncFingerprint() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        let store = peers.a
        let plain = try store.card(front: "Plain").id
        let changes: [(String, () throws -> Void)] = [
            ("an answer", { try store.answerCard(plain, .good, at: day(1)) }),
            ("its undo", { _ = try store.write { try store.undoLastAnswer() } }),
            ("the same answer again", { try store.answerCard(plain, .good, at: day(1)) }),
            ("an edit", { _ = try store.write { try store.editNote(ofCard: plain, front: "Plain, edited", back: nil, tags: nil, now: day(2)) } }),
            ("a suspension", { _ = try store.write { try store.setSuspended([plain], true, now: day(2)) } }),
            ("a flag", { _ = try store.write { try store.setFlag(cardID: plain, flag: 1, now: day(2)) } }),
            ("a move", { _ = try store.write { try store.moveCards([plain], toDeck: "Elsewhere", now: day(2)) } }),
            ("a deletion to the trash", { try store.write { _ = try store.moveToTrash(cards: [plain], reason: "test", now: day(3)) } }),
            ("the restore", { _ = try store.write { try store.restoreFromTrash([plain], now: day(3)) } }),
        ]
        var seen = [try store.syncFingerprint()]
        for (what, change) in changes {
            try change()
            let now = try store.syncFingerprint()
            #expect(!seen.contains(now), "\(what) left the fingerprint as it was before")
            seen.append(now)
        }
        // Reading changes nothing.
        _ = try store.exportText()
        #expect(try store.syncFingerprint() == seen.last)
    }

    @Test func aBrokenOrHalfWrittenPeerFileIsSkippedWithAWarning() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        let good = try String(contentsOfFile: peers.folder.path("shared/" + (try peers.a.deviceID()) + ".json"), encoding: .utf8)
        try String(good.prefix(good.count / 2)).write(toFile: peers.folder.path("shared/half.json"), atomically: false, encoding: .utf8)
        try "[1, 2, 3]".write(toFile: peers.folder.path("shared/other.json"), atomically: false, encoding: .utf8)
        try "not a deck file".write(toFile: peers.folder.path("shared/notes.txt"), atomically: false, encoding: .utf8)
        let before = try peers.b.syncFingerprint()
        let outcome = try peers.sync(peers.b)
        #expect(outcome.warnings.count == 2)
        #expect(outcome.warnings.first?.hasPrefix("skipped half.json: half.json:") == true)
        #expect(outcome.warnings.first?.contains("invalid JSON") == true)
        #expect(outcome.warnings.last == "skipped other.json: other.json: not a recall deck file: it holds an array, not an object with \"format\": \"recall-deck\"")
        #expect(try peers.b.syncFingerprint() == before)
        // Skipped files are tried again next time.
        #expect(!(try peers.sync(peers.b)).upToDate)
    }

    @Test func ourOwnFileIsNeverReadAsAPeerAndIsReplacedWhole() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        let own = peers.folder.path("shared/" + (try peers.a.deviceID()) + ".json")
        try "{ broken".write(toFile: own, atomically: false, encoding: .utf8)
        let outcome = try peers.sync(peers.a)
        #expect(outcome.warnings.isEmpty)
        #expect(outcome.wroteOwnFile)
        #expect(try String(contentsOfFile: own, encoding: .utf8) == (try peers.a.exportText()))
        let names = try FileManager.default.contentsOfDirectory(atPath: peers.shared)
        #expect(names.allSatisfy { $0.hasSuffix(".json") }, "\(names)")
    }

    @Test func siblingsAddedOnTwoStoresBecomeOneCardWithBothReviews() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        // A and B each give the cloze note a third card (as re-importing an edited cloze does),
        // with its own id, then review it.
        for (store, minute) in [(peers.a, 1), (peers.b, 2)] {
            let note = try store.card(front: "{{c1::Paris}} is in {{c2::France}}")
            try store.write {
                try store.db.run("INSERT INTO cards(note_id, deck_id, ordinal, created, modified) VALUES (?, ?, 3, ?, ?)",
                                 [.integer(note.noteID), .integer(note.deckID), .integer(day(1)), .integer(day(1))])
            }
            let third = try #require(try store.cards().first { $0.noteID == note.noteID && $0.ordinal == 3 })
            try store.answerCard(third.id, .good, at: day(1, minutes: minute))
        }
        for _ in 0..<2 {
            for store in [peers.a, peers.b, peers.c] { try peers.sync(store) }
        }
        let export = try peers.a.exportText()
        #expect(try peers.b.exportText() == export)
        #expect(try peers.c.exportText() == export)
        #expect(peers.warnings.isEmpty, "\(peers.warnings)")
        let thirds = try peers.c.cards().filter { $0.kind == .cloze && $0.ordinal == 3 }
        #expect(thirds.count == 1)
        #expect(try peers.c.reviews(ofCard: try #require(thirds.first).id).count == 2)
        #expect(try peers.a.checkReplay(timeZone: utc, fix: false).isEmpty)
    }

    @Test func aDeletedDeckGoesEverywhereButACardAddedToItMeanwhileSurvives() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        try peers.a.write { _ = try peers.a.deleteDeck("Other", now: day(2)) }
        try peers.c.write { _ = try peers.c.addNote(deck: "Other", front: "Added on C", back: "c", now: day(1)) }
        for _ in 0..<2 { for store in [peers.c, peers.a, peers.b] { try peers.sync(store) } }
        let export = try peers.a.exportText()
        #expect(try peers.b.exportText() == export)
        #expect(try peers.c.exportText() == export)
        #expect(try peers.b.cards().first { $0.front == "In a deck that will be renamed" } == nil)
        #expect(try peers.b.card(front: "Added on C").deck == "Other")
        #expect(try peers.a.cards(deck: "Other").map(\.front) == ["Added on C"])
    }

    /// A rename on one store moves the cards without touching their text: text edits made
    /// elsewhere, before or after the rename, survive it, and the cards end in the new deck.
    @Test(arguments: orders)
    func aRenameOnOneStoreKeepsTextEditsMadeOnTwoOthers(order: String) throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        let (a, b, c) = (peers.a, peers.b, peers.c)
        try a.write { _ = try a.addNote(deck: "Main::Sub", front: "In a sub-deck", back: "sub", now: day(0, minutes: 1)) }
        for store in [a, b, c, a] { try peers.sync(store) }
        // B edits before the rename, C after it; A renames the deck (and its sub-deck).
        try b.write {
            _ = try b.editNote(ofCard: try b.card(front: "X: edited on two stores").id, front: nil, back: "X by B", tags: ["b"], now: day(1))
            _ = try b.editNote(ofCard: try b.card(front: "In a sub-deck").id, front: nil, back: "sub by B", tags: nil, now: day(1))
        }
        try a.write { try a.renameDeck("Main", to: "Renamed", now: day(2)) }
        try c.write {
            _ = try c.editNote(ofCard: try c.card(front: "Plain").id, front: nil, back: "Plain by C", tags: nil, now: day(3))
            _ = try c.editNote(ofCard: try c.card(front: "X: edited on two stores").id, front: nil, back: "X by C, older", tags: nil, now: day(0, minutes: 30))
        }
        for _ in 0..<2 { for name in order { try peers.sync(peers.store(name)) } }
        #expect(peers.warnings.isEmpty, "\(peers.warnings)")
        let export = try a.exportText()
        #expect(try b.exportText() == export)
        #expect(try c.exportText() == export)
        for store in [a, b, c] {
            #expect(try store.deck(named: "Main") == nil)
            #expect(try store.deck(named: "Main::Sub") == nil)
            #expect(try store.card(front: "X: edited on two stores").back == "X by B")
            #expect(try store.card(front: "X: edited on two stores").tags == ["b"])
            #expect(try store.card(front: "X: edited on two stores").deck == "Renamed")
            #expect(try store.card(front: "Plain").back == "Plain by C")
            #expect(try store.card(front: "Plain").deck == "Renamed")
            #expect(try store.card(front: "In a sub-deck").back == "sub by B")
            #expect(try store.card(front: "In a sub-deck").deck == "Renamed::Sub")
            #expect(try store.cards(deck: "Renamed").count == 10)
            #expect(try store.checkReplay(timeZone: utc, fix: false).isEmpty)
        }
        // The rename moved the cards; it did not change them.
        #expect(try a.card(front: "Y: reviewed on two stores").modified == day(0))
    }

    /// A file written before cards carried `moved` (a rename then left only the deck's
    /// tombstone) still moves the cards to the renamed deck, and keeps a newer edit made here.
    @Test func aRenameInAFileWithoutMovedStillMovesTheCards() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try makeStore(folder, "s")
        let created = "2026-11-25T12:00:00.000Z"
        try store.importText("""
            {"decks": [{"cards": [{"back": "b", "created": "\(created)", "front": "f", "id": "c1", "modified": "\(created)", "note": "n1"}],
                        "modified": "\(created)", "name": "Old"}],
             "format": "recall-deck", "version": 1}
            """)
        _ = try store.write { try store.editNote(ofCard: try store.card(front: "f").id, front: nil, back: "edited here", tags: nil, now: day(1)) }
        try store.importText("""
            {"decks": [{"cards": [{"back": "b", "created": "\(created)", "front": "f", "id": "c1", "modified": "\(created)", "note": "n1"}],
                        "modified": "2026-11-27T12:00:00.000Z", "name": "New"}],
             "format": "recall-deck", "tombstones": [{"deleted": "2026-11-27T12:00:00.000Z", "id": "Old", "kind": "deck"}], "version": 1}
            """)
        let card = try store.card(front: "f")
        #expect(card.deck == "New")
        #expect(card.back == "edited here")
        #expect(try store.deck(named: "Old") == nil)
    }

    /// A deck named before names were checked (`a::::b`) makes every peer skip this store's
    /// file: sync says so where it can be fixed, and a rename fixes it.
    @Test func aStoreWithAnInvalidDeckNameIsToldThatPeersSkipItsFile() throws {
        let peers = try Peers()
        defer { withExtendedLifetime(peers) {} }
        try peers.a.write {
            _ = try peers.a.addNote(deck: "Made before the rule", front: "In a badly named deck", back: "yes", now: day(1))
            try peers.a.db.run("UPDATE decks SET name = 'Old::::name' WHERE name = 'Made before the rule'")
        }
        let outcome = try peers.sync(peers.a)
        #expect(outcome.warnings == ["deck \"Old::::name\" has an invalid name (it has an empty part (nothing before, after or between \"::\")): "
            + "other stores skip this store's file until it is renamed with `recall deck rename`"])
        let own = try peers.a.deviceID() + ".json"
        let skipped = try peers.sync(peers.b).warnings
        #expect(skipped.count == 1 && skipped.first?.hasPrefix("skipped \(own): \(own): decks[1].name: invalid deck name \"Old::::name\"") == true, "\(skipped)")
        try peers.a.write { try peers.a.renameDeck("Old::::name", to: "Old::name", now: day(1)) }
        peers.warnings = []
        for store in [peers.a, peers.b, peers.a] { try peers.sync(store) }
        #expect(peers.warnings.isEmpty, "\(peers.warnings)")
        #expect(try peers.b.card(front: "In a badly named deck").deck == "Old::name")
        #expect(try peers.b.exportText() == (try peers.a.exportText()))
    }

    @Test func aMissingFolderIsCreatedAndAFileIsNotAFolder() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try makeStore(folder, "s")
        let outcome = try FolderSync.sync(store: store, folder: folder.path("new"), timeZone: utc)
        #expect(outcome.wroteOwnFile)
        try "x".write(toFile: folder.path("file"), atomically: false, encoding: .utf8)
        #expect(throws: SyncError.notAFolder(folder.path("file"))) {
            try FolderSync.sync(store: store, folder: folder.path("file"), timeZone: utc)
        }
    }
}
