import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// A deck file card's `checkpoint` (an imported Anki card's known state): replay starts from it
/// on every store that merges the file, and the later of two checkpoints wins.
@Suite struct CheckpointMergeTests {
    static func file(checkpoint: String?, reviews: String = "") -> String {
        """
        {
          "decks": [
            {
              "cards": [
                {"back": "a", \(checkpoint.map { "\"checkpoint\": \($0)," } ?? "") "created": "2026-11-25T12:00:00.000Z",
                 "front": "q", "id": "00000000000000c1", "modified": "2026-11-25T12:00:00.000Z", "note": "00000000000000n1",
                 "reviews": [{"at": "2026-11-20T12:00:00.000Z", "duration_ms": 1000, "id": "r1", "rating": 3}\(reviews)]}
              ],
              "config": {},
              "name": "D"
            }
          ],
          "format": "recall-deck",
          "version": 1
        }
        """
    }

    static let checkpoint = """
        {"at":"2026-11-25T12:00:00.000Z","state":{"difficulty":5.5,"due":"2026-12-20T04:00:00.000Z","ease":null,\
        "interval_days":25,"lapses":2,"last_review":"2026-11-20T12:00:00.000Z","phase":"review","reps":9,"stability":30.5,"step":0}}
        """

    @Test func aCardWithACheckpointHasItsStateAndReplaysLaterReviewsFromIt() throws {
        let folder = TemporaryFolder()
        let store = try makeStore(folder, "a")
        try store.importText(Self.file(checkpoint: Self.checkpoint))
        let card = try store.card(front: "q")
        #expect(card.state.phase == .review)
        #expect(card.state.reps == 9 && card.state.lapses == 2)
        #expect(card.state.stability == 30.5)
        #expect(card.state.due == ISOTime.parse("2026-12-20T04:00:00.000Z"))
        #expect(try store.checkReplay(timeZone: utc, fix: false).isEmpty)
        // A later review from another store is replayed on top of the checkpoint.
        try store.importText(Self.file(checkpoint: Self.checkpoint,
                                       reviews: ", {\"at\": \"2026-12-20T12:00:00.000Z\", \"duration_ms\": 900, \"id\": \"r2\", \"rating\": 3}"))
        let after = try store.card(front: "q")
        #expect(after.state.reps == 10)
        #expect((after.state.stability ?? 0) > 30.5)
        #expect(try store.checkReplay(timeZone: utc, fix: false).isEmpty)
        // And the export carries it, so a second store agrees.
        let second = try makeStore(folder, "b")
        try second.importText(try store.exportText())
        #expect(try second.card(front: "q").state == after.state)
        #expect(try second.exportText() == store.exportText())
    }

    @Test func theLaterCheckpointWins() {
        let state = CardState(phase: .review, due: 10, reps: 3)
        let early = CardCheckpoint(at: 100, state: state)
        var late = CardCheckpoint(at: 200, state: state)
        #expect(CardCheckpoint.later(late, than: early))
        #expect(!CardCheckpoint.later(early, than: late))
        late.at = 100
        late.state.reps = 4
        #expect(CardCheckpoint.later(late, than: early))
    }

    @Test func aCheckpointWithoutAPhaseIsReported() throws {
        let bad = Self.checkpoint.replacingOccurrences(of: ",\"phase\":\"review\"", with: "")
        #expect(throws: SyncError.self) { try DeckReader.parse(Array(Self.file(checkpoint: bad).utf8), file: "deck.json") }
    }
}
