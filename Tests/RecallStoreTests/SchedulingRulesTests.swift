import Foundation
import RecallScheduler
import Testing
@testable import RecallStore

/// A store whose cached states were computed by an older recall (ease that drifted in a Double,
/// unfuzzed learning steps) is brought in line with the current rules once, so `recall check`
/// keeps holding on existing stores.
@Suite struct SchedulingRulesTests {
    @Test func anOlderStoresCacheIsReplayedOnceWithTheCurrentRules() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try Store(path: folder.path("recall.sqlite"))
        let zone = TimeZone(identifier: "UTC") ?? .current
        let start: Millis = 1_764_000_000_000
        #expect(try store.refreshCachedStates(timeZone: zone) == 0, "a new store is current")
        try store.write {
            try store.setOption("algorithm", to: "sm2", deck: nil, now: start)
            let ids = try store.addNote(deck: "D", kind: .basic, front: "q", back: "a", ordinals: [1], now: start)
            var now = start
            for rating in [Rating.good, .good, .easy, .hard] {
                _ = try store.answer(cardID: ids[0], rating: rating, durationMS: 1000, now: now, timeZone: zone)
                now += 30 * 86_400_000
            }
        }
        // What recall before scheduling rules 2 stored: 2.5 + 0.15 − 0.15 in a Double.
        try store.db.run("UPDATE cards SET ease = ?", [.real(2.5 + 0.15 - 0.15 + 1e-15)])
        try store.db.run("UPDATE settings SET value = '1' WHERE key = 'scheduling_rules'")
        #expect(try store.checkReplay(timeZone: zone, fix: false).count == 1)
        #expect(try store.refreshCachedStates(timeZone: zone) == 1)
        #expect(try store.checkReplay(timeZone: zone, fix: false).isEmpty)
        #expect(try store.db.row("SELECT ease FROM cards") { $0.double(0) } == 2.5)
        #expect(try store.refreshCachedStates(timeZone: zone) == 0, "once only")
    }
}
