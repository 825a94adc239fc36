import Foundation
import RecallModel
import RecallScheduler
import Testing
@testable import RecallStore

/// DESIGN.md invariant 1 through the same `Store.answer` path the `answer` command takes.
@Suite struct ReplayTests {
    @Test func replayEqualsStoredStateForThousandsOfRandomHistories() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let zone = try #require(TimeZone(identifier: "Europe/Berlin"))
        var generator = SeededGenerator(seed: 20261125)
        let start: Millis = 1_764_000_000_000
        try store.write {
            try store.setOption("leech_threshold", to: "3", deck: nil, now: start)
            for index in 0..<2_000 {
                let deck = index % 3 == 0 ? "SM2" : "FSRS"
                let ids = try store.addNote(deck: deck, kind: index % 5 == 0 ? .reversed : .basic, front: "q\(index)", back: "a",
                                            ordinals: index % 5 == 0 ? [1, 2] : [1], now: start)
                if index == 0 { try store.setOption("algorithm", to: "sm2", deck: "SM2", now: start) }
                var now = start + Millis.random(in: 0..<86_400_000, using: &generator)
                for _ in 0..<Int.random(in: 1...12, using: &generator) {
                    let rating = Rating(rawValue: Int.random(in: 1...4, using: &generator)) ?? .good
                    _ = try store.answer(cardID: ids[0], rating: rating, durationMS: 1000, now: now, timeZone: zone)
                    // Same-day repeats, next-day reviews and long gaps.
                    now += [Millis(600_000), 3_600_000, 86_400_000, 5 * 86_400_000, 40 * 86_400_000].randomElement(using: &generator) ?? 0
                }
            }
        }
        #expect(try store.db.scalarInt("SELECT count(*) FROM review_log")! > 10_000)
        let mismatches = try store.checkReplay(timeZone: zone, fix: false)
        #expect(mismatches.isEmpty, "\(mismatches.prefix(3))")
    }

    @Test func undoingEveryAnswerGivesBackTheNewCards() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let zone = TimeZone(identifier: "UTC") ?? .current
        let ids = try store.addNote(deck: "D", front: "q", back: "a", now: 0)
        let before = try store.requireCard(ids[0])
        for day in 0..<40 {
            _ = try store.write { try store.answer(cardID: ids[0], rating: day % 7 == 0 ? .again : .good, durationMS: 0,
                                                   now: Millis(day) * millisPerDay, timeZone: zone) }
        }
        for _ in 0..<40 { #expect(try store.undoLastAnswer() != nil) }
        #expect(try store.undoLastAnswer() == nil)
        #expect(try store.requireCard(ids[0]) == before)
    }
}

/// The scheduler's splitmix64, so random tests are repeatable.
typealias SeededGenerator = SplitMix64
