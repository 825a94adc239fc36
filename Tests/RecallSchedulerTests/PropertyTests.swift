import Foundation
import Testing

@testable import RecallScheduler

/// Invariants over seeded-random histories: the same draws on every run.
struct PropertyTests {
    /// A random parameter vector inside fsrs-rs's clipping bounds (`parameter_clipper.rs`).
    static func randomParameters(using rng: inout SeededRandom) -> [Double] {
        let bounds: [(Double, Double)] = [
            (0.001, 100), (0.001, 100), (0.001, 100), (0.001, 100), (1, 10), (0.001, 4), (0.001, 4), (0.001, 0.75),
            (0, 4.5), (0, 0.8), (0.001, 3.5), (0.001, 5), (0.001, 0.25), (0.001, 0.9), (0, 4), (0, 1), (1, 6),
            (0, 2), (0, 2), (0, 0.8), (0.1, 0.8),
        ]
        return bounds.map { Double.random(in: $0.0...$0.1, using: &rng) }
    }

    static func randomGap(using rng: inout SeededRandom) -> Int {
        let roll = Int.random(in: 0..<10, using: &rng)
        return roll < 3 ? 0 : roll < 8 ? Int.random(in: 1...30, using: &rng) : Int.random(in: 31...3000, using: &rng)
    }

    @Test func memoryStateStaysInBoundsAndSuccessNeverLowersStability() throws {
        var rng = SeededRandom(seed: 20_240_601)
        var checked = 0
        for history in 0..<2000 {
            let model = try FSRS(parameters: history % 2 == 0 ? FSRS.defaultParameters : Self.randomParameters(using: &rng))
            var state: MemoryState?
            for _ in 0..<Int.random(in: 1...30, using: &rng) {
                let t = Self.randomGap(using: &rng)
                let rating = Rating.random(using: &rng)
                let next = model.nextState(state, elapsedDays: t, rating: rating)
                #expect((1...10).contains(next.difficulty))
                #expect((0.001...36_500).contains(next.stability))
                if let state {
                    let candidates = model.nextStates(state, desiredRetention: 0.9, elapsedDays: t)
                    for success in [Rating.hard, .good, .easy] {
                        #expect(candidates[success].memory.stability >= state.stability,
                                "history \(history): \(success.name) after \(t) days")
                    }
                    #expect(candidates.hard.memory.stability <= candidates.good.memory.stability)
                    #expect(candidates.good.memory.stability <= candidates.easy.memory.stability)
                    #expect(candidates[rating].memory == next)
                }
                state = next
                checked += 1
            }
        }
        #expect(checked > 20_000)
    }

    @Test func retrievabilityFallsWithTime() throws {
        var rng = SeededRandom(seed: 11)
        for i in 0..<3000 {
            let model = try FSRS(parameters: i % 2 == 0 ? FSRS.defaultParameters : Self.randomParameters(using: &rng))
            let s = exp(Double.random(in: log(0.001)...log(36_500), using: &rng))
            let t1 = Double.random(in: 0...1000, using: &rng)
            let t2 = t1 + Double.random(in: 0.5...1000, using: &rng)
            let r1 = model.retrievability(elapsedDays: t1, stability: s)
            let r2 = model.retrievability(elapsedDays: t2, stability: s)
            #expect(r1 > r2 && r2 > 0 && r1 <= 1)
            #expect(model.retrievability(elapsedDays: 0, stability: s) == 1)
        }
    }

    /// A random log: same-day steps, whole days and long gaps, at any time of day.
    static func randomLog(using rng: inout SeededRandom, start: Millis) -> [(at: Millis, rating: Rating)] {
        var at = start
        var log: [(at: Millis, rating: Rating)] = []
        for _ in 0..<Int.random(in: 1...25, using: &rng) {
            log.append((at: at, rating: Rating.random(using: &rng)))
            let roll = Int.random(in: 0..<4, using: &rng)
            at += roll == 0 ? Millis.random(in: 30_000...3_600_000, using: &rng)
                : Millis.random(in: 1...(roll == 3 ? 400 : 40), using: &rng) * 86_400_000
                    + Millis.random(in: -3_600_000...3_600_000, using: &rng)
        }
        return log
    }

    @Test(arguments: [SchedulingAlgorithm.fsrs, .sm2])
    func schedulerInvariantsHoldOverRandomHistories(algorithm: SchedulingAlgorithm) throws {
        let scheduler = try makeScheduler(timeZone: try zone("America/New_York")) {
            $0.algorithm = algorithm
            $0.maximumInterval = 3650
        }
        var rng = SeededRandom(seed: algorithm == .fsrs ? 1 : 2)
        var reviewPreviews = 0
        var lapses = 0
        for card in 0..<1500 {
            let seed = UInt64(card) &* 0x1234_5678_9ABC
            let log = Self.randomLog(using: &rng, start: 1_700_000_000_000 + Millis(card) * 3_600_000)
            var state = CardState.new
            var days: [FSRSReview] = []
            var lastDay: Int?
            for review in log {
                if state.phase == .review {
                    reviewPreviews += 1
                    let p = scheduler.preview(state, at: review.at, fuzzSeed: seed)
                    let (h, g, e) = (p.hard.state.intervalDays, p.good.state.intervalDays, p.easy.state.intervalDays)
                    #expect(h >= 1 && h <= g && g <= e && e <= 3650, "card \(card): \(h) \(g) \(e)")
                    #expect(g >= h + 1 || g == 3650, "card \(card): \(h) \(g)")
                    #expect(e >= g + 1 || e == 3650, "card \(card): \(g) \(e)")
                    #expect(p[review.rating] == scheduler.answer(state, rating: review.rating, at: review.at, fuzzSeed: seed))
                }
                state = scheduler.answer(state, rating: review.rating, at: review.at, fuzzSeed: seed).state
                let today = scheduler.clock.dayNumber(at: review.at)
                days.append(FSRSReview(rating: review.rating, elapsedDays: Int32(lastDay.map { today - $0 } ?? 0)))
                lastDay = today
                if state.phase == .review {
                    #expect(state.due == scheduler.clock.startOfDay(today + state.intervalDays))
                } else {
                    #expect((state.due ?? 0) > review.at)
                }
                if let d = state.difficulty { #expect((1...10).contains(d)) }
                if let ease = state.ease { #expect(ease >= 1.3) }
            }
            #expect(state.reps == log.count)
            lapses += state.lapses
            #expect(scheduler.replay(log, fuzzSeed: seed) == state)
            if algorithm == .fsrs {
                // The stored memory state is exactly the model's replay with day-number gaps.
                let replayed = try #require(scheduler.model.memoryState(replaying: days))
                #expect(state.stability == replayed.stability && state.difficulty == replayed.difficulty)
            } else {
                #expect(state.stability == nil && state.difficulty == nil)
            }
        }
        #expect(reviewPreviews > 5000 && lapses > 1000, "\(reviewPreviews) previews, \(lapses) lapses")
    }
}
