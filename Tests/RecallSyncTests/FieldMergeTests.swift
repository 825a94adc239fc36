import Foundation
import RecallModel
import RecallScheduler
import Testing

@testable import RecallStore
@testable import RecallSync

/// Issue 13, "per-field merge": a card's text, deck, suspension, flag and burying merge each on
/// its own time, and decks are known by id, so that changes made to different fields on
/// different stores all survive, whatever the order the stores sync in.
@Suite struct FieldMergeTests {
    /// Two stores that share one deck of three cards through a folder.
    final class Pair {
        let folder = TemporaryFolder()
        let a: Store
        let b: Store

        init() throws {
            try FileManager.default.createDirectory(atPath: folder.path("shared"), withIntermediateDirectories: true)
            a = try makeStore(folder, "a")
            b = try makeStore(folder, "b")
            try a.write {
                for front in ["one", "two", "three"] { try a.addNote(deck: "Main", front: front, back: "answer", now: day(0)) }
            }
            try sync(a)
            try sync(b)
        }

        func sync(_ store: Store) throws {
            _ = try FolderSync.sync(store: store, folder: folder.path("shared"), timeZone: utc)
        }

        /// Both sync twice, `first` first: every change has reached both.
        func syncBoth(first: Store) throws {
            let second = first === a ? b : a
            for store in [first, second, first, second] { try sync(store) }
        }

        func exportsAgree() throws -> Bool { try a.exportText() == b.exportText() }
    }

    @Test(arguments: [true, false])
    func aSuspensionOnOneStoreAndAnEditOnAnotherBothSurvive(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        // The edit is older than the suspension: a newest-wins card would drop it.
        _ = try b.write { try b.editNote(ofCard: try b.card(front: "one").id, front: nil, back: "edited on B", tags: nil, now: day(1)) }
        _ = try a.write { try a.setSuspended([try a.card(front: "one").id], true, now: day(2)) }
        try pair.syncBoth(first: aFirst ? a : b)
        for store in [a, b] {
            let card = try store.card(front: "one")
            #expect(card.back == "edited on B")
            #expect(card.suspended)
        }
        #expect(try pair.exportsAgree())
    }

    @Test(arguments: [true, false])
    func aFlagOnOneStoreAndASuspensionAndAnEditOnTheOtherAllSurvive(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        _ = try a.write { try a.setFlag(cardID: try a.card(front: "two").id, flag: 1, now: day(1)) }
        _ = try b.write {
            _ = try b.setSuspended([try b.card(front: "two").id], true, now: day(2))
            _ = try b.editNote(ofCard: try b.card(front: "two").id, front: nil, back: "edited", tags: ["t"], now: day(3))
        }
        try pair.syncBoth(first: aFirst ? a : b)
        for store in [a, b] {
            let card = try store.card(front: "two")
            #expect(card.flag == 1)
            #expect(card.suspended)
            #expect(card.back == "edited" && card.tags == ["t"])
        }
        #expect(try pair.exportsAgree())
    }

    @Test(arguments: [true, false])
    func aCardBuriedOnOneStoreIsBuriedOnTheOtherUntilTheSameDay(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        let today = DayClock(timeZone: utc).dayNumber(at: day(1))
        _ = try a.write { try a.bury(cardID: try a.card(front: "three").id, untilDay: today, now: day(1)) }
        _ = try b.write { try b.editNote(ofCard: try b.card(front: "three").id, front: nil, back: "edited", tags: nil, now: day(1, minutes: 1)) }
        try pair.syncBoth(first: aFirst ? a : b)
        for store in [a, b] {
            let card = try store.card(front: "three")
            #expect(card.buriedUntil == today)
            #expect(card.back == "edited")
        }
        #expect(try a.exportText().contains("\"buried_until\": \"\(ISOTime.formatDay(today))\""))
        #expect(try pair.exportsAgree())
    }

    @Test(arguments: [true, false])
    func deckOptionsSetOnOneStoreFollowTheDeckRenamedOnAnother(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        _ = try a.write { try a.setOption("desired_retention", to: "0.95", deck: "Main", now: day(1)) }
        try b.write { try b.renameDeck("Main", to: "Renamed", now: day(2)) }
        try pair.syncBoth(first: aFirst ? a : b)
        for store in [a, b] {
            #expect(try store.decks().map(\.name) == ["Renamed"])
            #expect(try store.deck(named: "Renamed")?.config.contains("0.95") == true)
            #expect(try store.cards().count == 3)
        }
        #expect(try pair.exportsAgree())
    }

    @Test(arguments: [true, false])
    func aRenameAndAnEditOfACardOnAnotherStoreBothSurvive(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        try a.write { try a.renameDeck("Main", to: "Renamed", now: day(2)) }
        _ = try b.write { try b.editNote(ofCard: try b.card(front: "one").id, front: nil, back: "edited", tags: nil, now: day(1)) }
        try pair.syncBoth(first: aFirst ? a : b)
        for store in [a, b] {
            #expect(try store.card(front: "one").deck == "Renamed")
            #expect(try store.card(front: "one").back == "edited")
        }
        #expect(try pair.exportsAgree())
    }

    @Test(arguments: [true, false])
    func twoDecksGivenOneNameOnTwoStoresAreBothKeptAndTheSecondIsShownNumbered(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        try a.write { try a.renameDeck("Main", to: "Spanish", now: day(1)) }
        _ = try b.write { try b.addNote(deck: "Spanish", front: "hola", back: "hello", now: day(2)) }
        try pair.syncBoth(first: aFirst ? a : b)
        let spanish = DeckName.stableID("Spanish"), main = DeckName.stableID("Main")
        // The deck with the smaller id keeps the name; the other is "Spanish (2)" here, and
        // "Spanish" in deck files, until the user renames it.
        let (first, second) = utf8Less(spanish, main) ? ("hola", "one") : ("one", "hola")
        for store in [a, b] {
            #expect(try store.decks().map(\.name) == ["Spanish", "Spanish (2)"])
            #expect(try store.card(front: first).deck == "Spanish")
            #expect(try store.card(front: second).deck == "Spanish (2)")
            #expect(try store.cards().count == 4)
        }
        #expect(try pair.exportsAgree())
        #expect(try !a.exportText().contains("Spanish (2)"))
        try a.write { try a.renameDeck("Spanish (2)", to: "Spanish verbs", now: day(3)) }
        try pair.syncBoth(first: a)
        for store in [a, b] { #expect(try store.decks().map(\.name) == ["Spanish", "Spanish verbs"]) }
    }

    @Test(arguments: [true, false])
    func aCardMarkedAfterItsDeckWasDeletedElsewhereComesBackWithEveryReview(aFirst: Bool) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        try a.answerCard(try a.card(front: "one").id, .good, at: day(1))
        try pair.sync(a)
        try pair.sync(b)
        try a.answerCard(try a.card(front: "one").id, .good, at: day(2))  // not shared yet
        _ = try b.write { try b.deleteDeck("Main", now: day(3)) }
        try pair.sync(b)
        _ = try a.write { try a.setSuspended([try a.card(front: "one").id], true, now: day(4)) }
        try pair.syncBoth(first: aFirst ? a : b)
        for store in [a, b] {
            let card = try store.card(front: "one")
            #expect(try store.reviews(ofCard: card.id).count == 2)
            #expect(card.suspended)
            #expect(card.deck == "Main")
        }
        #expect(try pair.exportsAgree())
    }

    @Test(arguments: [[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 2, 1]])
    func aCardMarkedOnAThirdStoreAfterItsDeckWasDeletedComesBackWithTheReviewsOfTheFirst(order: [Int]) throws {
        let pair = try Pair()
        let (a, b) = (pair.a, pair.b)
        let c = try makeStore(pair.folder, "c")
        try pair.sync(c)
        try a.answerCard(try a.card(front: "one").id, .good, at: day(1))  // only A has it
        try a.write { try a.renameDeck("Main", to: "Renamed", now: day(1, minutes: 5)) }
        _ = try c.write { try c.setFlag(cardID: try c.card(front: "one").id, flag: 1, now: day(2)) }
        try pair.sync(c)
        _ = try b.write { try b.deleteDeck("Main", now: day(3)) }
        _ = try c.write { try c.setSuspended([try c.card(front: "one").id], true, now: day(4)) }
        let stores = [a, b, c]
        for index in order + order { try pair.sync(stores[index]) }
        let exports = try stores.map { try $0.exportText() }
        #expect(exports[0] == exports[1] && exports[1] == exports[2])
        for store in stores {
            let card = try store.card(front: "one")
            #expect(try store.reviews(ofCard: card.id).count == 1)
            #expect(card.suspended && card.flag == 1)
        }
    }

    @Test func aDeckMadeWithoutAnIdHasTheOneItsNameMakesAndKeepsItThroughARename() throws {
        let folder = TemporaryFolder()
        let store = try makeStore(folder, "s")
        // As a script that fills a store with SQL would make it.
        try store.db.execute("INSERT INTO decks(name, config, created, modified) VALUES ('Hand made', '{}', 0, 0)")
        _ = try store.write { try store.addNote(deck: "Hand made", front: "one", back: "answer", now: day(0)) }
        #expect(try store.syncDecks().map(\.guid) == [DeckName.stableID("Hand made")])
        try store.write { try store.renameDeck("Hand made", to: "Renamed", now: day(1)) }
        #expect(try store.syncDecks().map(\.guid) == [DeckName.stableID("Hand made")])
        let copy = try makeStore(folder, "copy")
        try copy.importText(try store.exportText())
        #expect(try copy.exportText() == store.exportText())
    }

    @Test func aVersionOneFileIsReadWithDecksKnownByTheirNames() throws {
        let folder = TemporaryFolder()
        let store = try makeStore(folder, "s")
        _ = try store.write { try store.addNote(deck: "Main", front: "one", back: "answer", now: day(0)) }
        let guid = try store.card(front: "one").guid
        let note = try store.card(front: "one").noteGUID
        // A file an older recall wrote: the deck renamed (a tombstone on the old name, the card
        // moved), and the card suspended, which moved its `modified`.
        let text = """
            {"decks": [{"cards": [{"back": "answer", "created": "\(ISOTime.format(day(0)))", "front": "one", "id": "\(guid)",
              "kind": "basic", "modified": "\(ISOTime.format(day(2)))", "moved": "\(ISOTime.format(day(1)))", "note": "\(note)",
              "ordinal": 1, "suspended": true, "tags": []}],
              "config": {"desired_retention": "0.8"}, "modified": "\(ISOTime.format(day(1)))", "name": "Old::Renamed"}],
             "format": "recall-deck",
             "tombstones": [{"deleted": "\(ISOTime.format(day(1)))", "id": "Main", "kind": "deck"}],
             "version": 1}
            """
        try store.importText(text)
        let card = try store.card(front: "one")
        #expect(card.deck == "Old::Renamed")
        #expect(card.suspended)
        #expect(try store.decks().map(\.name) == ["Old::Renamed"])
        #expect(try store.exportText().contains("\"version\": 2"))
    }
}
