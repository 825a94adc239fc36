import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// Issue 7: an imported log gives exactly the state recall computes (DESIGN.md invariant 1),
/// checked against fsrs-rs: the histories of `Tests/Fixtures/fsrs6-vectors.json` become review
/// logs in a deck file, and each imported card's stability and difficulty must equal the
/// reference state after its last review (S within 1e-5 relative, D within 1e-5 absolute, as
/// FSRS6.md section 8 allows). Fuzz and learning steps move due dates, never S or D.
@Suite struct VectorReplayTests {
    struct Vectors: Decodable {
        struct State: Decodable {
            let s: Double
            let d: Double
        }
        struct Review: Decodable {
            let rating: Int
            let elapsed_days: Int
        }
        struct Step: Decodable {
            let after: State
        }
        struct Card: Decodable {
            let id: Int
            let reviews: [Review]
            let steps: [Step]
        }
        let cards: [Card]
    }

    /// Each card's reviews at noon UTC, `elapsed_days` apart, as one deck file.
    static func deckFile(_ vectors: Vectors) throws -> DeckFile {
        var cards: [DeckFile.Card] = []
        for card in vectors.cards {
            var at = day(0)
            var reviews: [Review] = []
            for (index, review) in card.reviews.enumerated() {
                at += Millis(review.elapsed_days) * millisPerDay
                let rating = try #require(Rating(rawValue: review.rating))
                reviews.append(Review(
                    id: ReviewID(String(format: "0000%04x-0000-7000-8000-%012x", card.id, index)), at: at, rating: rating,
                    durationMS: 1000))
            }
            let guid = String(format: "%016x", 0xF5A5_0000 + card.id)
            cards.append(DeckFile.Card(id: guid, note: "n" + guid, front: "vector \(card.id)", back: "", created: day(0),
                                       modified: day(0), reviews: reviews))
        }
        return DeckFile(decks: [DeckFile.Deck(name: "FSRS vectors", cards: cards)])
    }

    @Test func importingTheReferenceHistoriesGivesTheReferenceStates() throws {
        let data = try Data(contentsOf: fixtureURL("fsrs6-vectors.json"))
        let vectors = try JSONDecoder().decode(Vectors.self, from: data)
        #expect(vectors.cards.count == 44)
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try makeStore(folder, "vectors")
        let report = try store.write { try DeckMerge.merge([try Self.deckFile(vectors)], into: store, timeZone: utc) }
        #expect(report.cardsAdded == vectors.cards.count)
        for vector in vectors.cards {
            let card = try store.card(front: "vector \(vector.id)")
            let expected = try #require(vector.steps.last?.after)
            let stability = try #require(card.state.stability)
            let difficulty = try #require(card.state.difficulty)
            #expect(abs(stability - expected.s) <= 1e-5 * abs(expected.s), "card \(vector.id): S \(stability) vs \(expected.s)")
            #expect(abs(difficulty - expected.d) <= 1e-5, "card \(vector.id): D \(difficulty) vs \(expected.d)")
            #expect(card.state.reps == vector.reviews.count)
        }
        #expect(try store.checkReplay(timeZone: utc, fix: false).isEmpty)
    }

    @Test func theSameHistoriesThroughAFileReplayTheSame() throws {
        let data = try Data(contentsOf: fixtureURL("fsrs6-vectors.json"))
        let vectors = try JSONDecoder().decode(Vectors.self, from: data)
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let direct = try makeStore(folder, "direct")
        try direct.write { _ = try DeckMerge.merge([try Self.deckFile(vectors)], into: direct, timeZone: utc) }
        let viaFile = try makeStore(folder, "file")
        try viaFile.importText(try direct.exportText())
        #expect(try viaFile.exportText() == (try direct.exportText()))
    }
}
