import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

/// `Store.answer` is what `recall answer` and both review loops call; it keeps each card's log
/// in the order the answers were given.
@Suite struct AnswerTimeTests {
    let zone = TimeZone(identifier: "UTC") ?? .current
    let day: Millis = 86_400_000

    @Test func anAnswerTimedBeforeTheLastReviewIsLoggedOneMillisecondAfterIt() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let ids = try store.addNote(deck: "D", front: "q", back: "a", now: 0)
        let late: Millis = 100 * day
        _ = try store.write { try store.answer(cardID: ids[0], rating: .good, durationMS: 0, now: late, timeZone: zone) }
        for (offset, rating) in [(-5 * day, Rating.again), (0, .good), (-1, .easy)] {
            _ = try store.write {
                try store.answer(cardID: ids[0], rating: rating, durationMS: 0, now: late + offset, timeZone: zone)
            }
        }
        #expect(try store.reviews(ofCard: ids[0]).map(\.at) == [late, late + 1, late + 2, late + 3])
        #expect(try store.reviews(ofCard: ids[0]).map(\.rating) == [.good, .again, .good, .easy])
        #expect(try store.checkReplay(timeZone: zone, fix: false).isEmpty)
    }

    @Test func aSuspendedCardCannotBeAnswered() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let ids = try store.addNote(deck: "D", front: "q", back: "a", now: 0)
        try store.setSuspended(ids, true, now: 0)
        let before = try store.requireCard(ids[0])
        #expect(throws: StoreError.self) {
            try store.write { try store.answer(cardID: ids[0], rating: .good, durationMS: 0, now: day, timeZone: zone) }
        }
        #expect(try store.requireCard(ids[0]) == before)
        #expect(try store.reviews(ofCard: ids[0]).isEmpty)
    }

    @Test func aRepeatedIdIsDeletedAndSuspendedOnce() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let first = try store.addNote(deck: "D", front: "q1", back: "a", now: 0)
        let second = try store.addNote(deck: "D", front: "q2", back: "a", now: 0)
        #expect(try store.write { try store.setSuspended([first[0], first[0]], true, now: 1) } == [first[0]])
        try store.write { try store.deleteCards([second[0], second[0]], now: 1) }
        #expect(try store.card(second[0]) == nil)
        #expect(try store.card(first[0])?.suspended == true)
    }
}
