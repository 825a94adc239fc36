import Foundation
import RecallModel
import RecallScheduler
import Testing

@testable import RecallStore
@testable import RecallSync

/// `DeckMerge.plan` decides a merge from values alone: the store's rows and the files in, a list
/// of changes out. These tests build both sides by hand, with no SQLite.
@Suite struct MergePlanTests {
    static let deck = SyncDeck(id: 1, guid: DeckName.stableID("Main"), name: "Main", localName: "Main", renamed: day(0), config: [:],
                               created: day(0), modified: day(0))

    static func card(_ guid: String, id: Int64, front: String = "q", modified: Millis = day(0), suspended: Bool = false) -> SyncCard {
        SyncCard(id: id, guid: guid, noteID: id, noteGUID: "n-" + guid, deckID: 1, kind: .basic, ordinal: 1, front: front,
                 back: "a", tags: [], created: day(0), cardModified: modified, noteModified: modified,
                 state: .new, origin: nil, moved: day(0),
                 marks: CardMarks(suspended: suspended, suspendedAt: modified, flaggedAt: day(0), buriedAt: day(0)))
    }

    static func fileCard(_ guid: String, front: String = "q", modified: Millis = day(0), reviews: [Review] = []) -> DeckFile.Card {
        DeckFile.Card(id: guid, note: "n-" + guid, front: front, back: "a", created: day(0), modified: modified, reviews: reviews)
    }

    @Test func aFileThatHoldsWhatTheStoreHoldsChangesNothing() {
        let rows = MergeRows(decks: [Self.deck], cards: [Self.card("c1", id: 1)])
        let file = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0), cards: [Self.fileCard("c1")])])
        let plan = DeckMerge.plan([file], rows: rows)
        #expect(plan.counts == MergeReport())
        #expect(plan.decks.isEmpty && plan.deletedCards.isEmpty && plan.tombstones.isEmpty)
        #expect(plan.notes.allSatisfy { !$0.write && $0.cards.allSatisfy { !$0.write && $0.replay == .no } })
    }

    @Test func aNewerEditInAFileRewritesTheNoteWithItsText() {
        let rows = MergeRows(decks: [Self.deck], cards: [Self.card("c1", id: 1, front: "old")])
        let file = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0),
                                                  cards: [Self.fileCard("c1", front: "new", modified: day(1))])])
        let plan = DeckMerge.plan([file], rows: rows)
        #expect(plan.counts.cardsUpdated == 1)
        let note = plan.notes.first { $0.guid == "n-c1" }
        #expect(note?.write == true)
        #expect(note?.content.front == "new")
        #expect(note?.localID == 1)
    }

    @Test func anOlderEditInAFileLosesToTheStore() {
        let rows = MergeRows(decks: [Self.deck], cards: [Self.card("c1", id: 1, front: "mine", modified: day(2))])
        let file = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0),
                                                  cards: [Self.fileCard("c1", front: "theirs", modified: day(1))])])
        let plan = DeckMerge.plan([file], rows: rows)
        #expect(plan.counts.cardsUpdated == 0)
        #expect(plan.notes.first?.content.front == "mine")
        #expect(plan.notes.first?.write == false)
    }

    @Test func aTombstoneAfterTheLastChangeDeletesTheCardAndIsKept() {
        let rows = MergeRows(decks: [Self.deck], cards: [Self.card("c1", id: 7), Self.card("c2", id: 8)])
        let tombstone = Tombstone(id: "c1", kind: .card, deleted: day(1))
        let file = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0), cards: [Self.fileCard("c2")])],
                            tombstones: [tombstone])
        let plan = DeckMerge.plan([file], rows: rows)
        #expect(plan.deletedCards == [7])
        #expect(plan.counts.cardsDeleted == 1)
        #expect(plan.notesMaybeEmpty == [7])
        #expect(plan.tombstones.map { [$0.id, $0.kind.rawValue, "\($0.deleted)"] } == [["c1", "card", "\(day(1))"]])
        // The tombstone keeps the card as it was deleted.
        #expect(plan.tombstones.first?.card?.content.front == "q")
    }

    @Test func aCardNewToTheStoreIsAddedWithItsReviewsToReplay() {
        let review = Review(id: ReviewID("r1"), at: day(1), rating: .good, durationMS: 1000)
        let file = DeckFile(decks: [DeckFile.Deck(name: "Other", modified: day(0), cards: [Self.fileCard("c9", reviews: [review])])])
        let plan = DeckMerge.plan([file], rows: MergeRows(decks: [Self.deck]))
        #expect(plan.counts.cardsAdded == 1)
        #expect(plan.counts.decksAdded == 1)
        #expect(plan.decks.map(\.name) == ["Other"])
        let card = plan.notes.first?.cards.first
        #expect(card?.localID == nil)
        #expect(card?.replay == .always)
        #expect(card?.incoming == [review])
    }

    @Test func newReviewsOfAKnownCardAreLeftForTheApplyToCompare() {
        let review = Review(id: ReviewID("r1"), at: day(1), rating: .good, durationMS: 1000)
        let rows = MergeRows(decks: [Self.deck], cards: [Self.card("c1", id: 1)])
        let file = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0), cards: [Self.fileCard("c1", reviews: [review])])])
        let card = DeckMerge.plan([file], rows: rows).notes.first?.cards.first
        #expect(card?.replay == .ifNewReviews)
        #expect(card?.logSources == [MergePlan.LogSource(cardID: 1, isNew: false)])
    }

    @Test func thePlanIsTheSameWhateverTheOrderOfTheFiles() {
        let rows = MergeRows(decks: [Self.deck], cards: [Self.card("c1", id: 1)])
        let a = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0), cards: [Self.fileCard("c1", front: "A", modified: day(3))])])
        let b = DeckFile(decks: [DeckFile.Deck(name: "Main", modified: day(0), cards: [Self.fileCard("c1", front: "B", modified: day(3))])])
        let ab = DeckMerge.plan([a, b], rows: rows)
        let ba = DeckMerge.plan([b, a], rows: rows)
        #expect(ab.notes == ba.notes)
        #expect(ab.notes.first?.content.front == "B")  // equal times: the larger text, on every store
    }
}
