import Testing

@testable import RecallScheduler

/// Anki rslib `fuzz.rs`, including its test table.
struct FuzzTests {
    @Test func withoutAFactorTheIntervalIsRoundedAndClamped() {
        #expect(Fuzz.apply(1.5, factor: nil, minimum: 1, maximum: 100) == 2)
        #expect(Fuzz.apply(0.1, factor: nil, minimum: 1, maximum: 100) == 1)
        #expect(Fuzz.apply(101, factor: nil, minimum: 1, maximum: 100) == 100)
    }

    // interval, minimum, maximum, then the result at factor 0, 0.5 and 0.99 (Anki's table).
    @Test(arguments: [
        (1.0, 1, 1000, 1, 1, 1), (2.49, 1, 1000, 2, 2, 2),
        (2.5, 1, 1000, 2, 3, 4), (7.0, 1, 1000, 5, 7, 9), (17.0, 1, 1000, 14, 17, 20), (37.0, 1, 1000, 33, 37, 41),
        (2.0, 2, 1000, 2, 2, 2), (2.0, 3, 1000, 3, 4, 4), (2.0, 3, 3, 3, 3, 3),
        (6.9, 3, 1000, 5, 7, 9), (7.0, 3, 1000, 5, 7, 9), (7.1, 3, 1000, 5, 7, 9),
        (19.9, 3, 1000, 17, 20, 23), (20.0, 3, 1000, 17, 20, 23), (20.1, 3, 1000, 17, 20, 23),
        (100.0, 101, 1000, 101, 105, 108), (100.0, 1, 99, 92, 96, 99), (100.0, 97, 103, 97, 100, 103),
    ])
    func fuzzMatchesAnkisTable(interval: Double, minimum: Int, maximum: Int, lower: Int, middle: Int, upper: Int) {
        #expect(Fuzz.apply(interval, factor: 0, minimum: minimum, maximum: maximum) == lower)
        #expect(Fuzz.apply(interval, factor: 0.5, minimum: minimum, maximum: maximum) == middle)
        #expect(Fuzz.apply(interval, factor: 0.99, minimum: minimum, maximum: maximum) == upper)
    }

    @Test func invalidLimitsDoNotTrap() {
        _ = Fuzz.bounds(1, minimum: 3, maximum: 2)
        #expect(Fuzz.apply(.nan, factor: 0.5, minimum: 1, maximum: 10) >= 1)
        #expect((8...10).contains(Fuzz.apply(.infinity, factor: 0.5, minimum: 1, maximum: 10)))
    }

    @Test func factorIsDeterministicUniformAndChangesWithReps() {
        #expect(Fuzz.factor(seed: 42, reps: 3) == Fuzz.factor(seed: 42, reps: 3))
        #expect(Fuzz.factor(seed: 42, reps: 3) != Fuzz.factor(seed: 42, reps: 4))
        var sum = 0.0
        var buckets = [Int](repeating: 0, count: 10)
        for i in 0..<10_000 {
            let f = Fuzz.factor(seed: UInt64(i) &* 7919, reps: i % 17)
            #expect(f >= 0 && f < 1)
            sum += f
            buckets[min(Int(f * 10), 9)] += 1
        }
        #expect(abs(sum / 10_000 - 0.5) < 0.02)
        #expect(buckets.allSatisfy { (850...1150).contains($0) })
    }

    @Test func fuzzedReviewIntervalsStayInAnkisRangeAndReplayTheSame() throws {
        let fuzzed = try makeScheduler()
        let plain = try makeScheduler { $0.fuzz = false }
        let t0: Millis = 1_704_103_200_000
        let now = t0 + 8 * 86_400_000
        var seen = Set<Int>()
        for seed in UInt64(0)..<200 {
            let card = plain.answer(.new, rating: .easy, at: t0, fuzzSeed: seed).state
            let unfuzzed = plain.model.nextState(
                MemoryState(stability: card.stability ?? 0, difficulty: card.difficulty ?? 0),
                elapsedDays: 8, rating: .good)
            let outcome = fuzzed.answer(card, rating: .good, at: now, fuzzSeed: seed).state
            let (lower, upper) = Fuzz.bounds(unfuzzed.stability, minimum: 1, maximum: 36_500)
            #expect((lower...upper).contains(outcome.intervalDays))
            #expect(fuzzed.answer(card, rating: .good, at: now, fuzzSeed: seed).state == outcome)
            seen.insert(outcome.intervalDays)
        }
        #expect(seen.count >= 3)
    }

    @Test func intervalsBelowTwoAndAHalfDaysAreNotFuzzed() throws {
        let fuzzed = try makeScheduler()
        let t0: Millis = 1_704_103_200_000
        for seed in UInt64(0)..<100 {
            let learning = fuzzed.answer(.new, rating: .good, at: t0, fuzzSeed: seed).state
            let graduated = fuzzed.answer(learning, rating: .good, at: t0 + 600_000, fuzzSeed: seed).state
            #expect(graduated.intervalDays == 2)  // S = 2.3065
        }
        #expect(Fuzz.delta(2.49) == 0)
        #expect(Fuzz.delta(2.5) == 1)
    }
}
