import Testing

@testable import RecallScheduler

/// Anki's SM-2 variant (rslib `states/review.rs`, `learning.rs`, `relearning.rs`), fuzz off.
struct SM2Tests {
    let t0: Millis = 1_704_103_200_000  // 2024-01-01 10:00 UTC
    let day: Millis = 86_400_000

    func sm2(_ configure: (inout SchedulerOptions) -> Void = { _ in }) throws -> Scheduler {
        try makeScheduler {
            $0.algorithm = .sm2
            $0.fuzz = false
            configure(&$0)
        }
    }

    /// A review card last reviewed on day `lastDay` (days after t0) with `interval` days.
    func reviewCard(interval: Int, ease: Double = 2.5, lastDay: Int = 0) -> CardState {
        CardState(
            phase: .review, due: t0 + Millis(lastDay + interval) * day, reps: 5,
            lastReview: t0 + Millis(lastDay) * day, intervalDays: interval, ease: ease)
    }

    func intervals(_ s: Scheduler, _ card: CardState, onDay d: Int) -> [Int] {
        let p = s.preview(card, at: t0 + Millis(d) * day, fuzzSeed: 1)
        return [p.hard.state.intervalDays, p.good.state.intervalDays, p.easy.state.intervalDays]
    }

    @Test func learningGraduatesToTheGraduatingAndEasyIntervals() throws {
        let s = try sm2()
        let step1 = s.answer(.new, rating: .good, at: t0, fuzzSeed: 1).state
        #expect(step1.phase == .learning && step1.due == t0 + 600_000)
        let graduated = s.answer(step1, rating: .good, at: t0 + 600_000, fuzzSeed: 1).state
        #expect(graduated.phase == .review && graduated.intervalDays == 1 && graduated.ease == 2.5)
        let easy = s.answer(.new, rating: .easy, at: t0, fuzzSeed: 1).state
        #expect(easy.phase == .review && easy.intervalDays == 4)
        // SM-2 leaves the FSRS memory state alone.
        #expect(graduated.stability == nil && graduated.difficulty == nil)
    }

    @Test func onTimeReviewsMultiplyByEaseWithButtonsADayApart() throws {
        let s = try sm2()
        // ivl 1: hard 1.2 → at least ivl+1 = 2; good 2.5 → 3; easy 3.25 → at least good+1 = 4.
        #expect(intervals(s, reviewCard(interval: 1), onDay: 1) == [2, 3, 4])
        // ivl 3: hard 3.6 → 4; good 7.5 → 8; easy 9.75 → 10.
        #expect(intervals(s, reviewCard(interval: 3), onDay: 3) == [4, 8, 10])
    }

    @Test func lateReviewsCountHalfTheDelayForGoodAndAllOfItForEasy() throws {
        let s = try sm2()
        // ivl 8, four days late: hard 9.6 → 10, good (8 + 2) × 2.5 = 25, easy 12 × 2.5 × 1.3 = 39.
        #expect(intervals(s, reviewCard(interval: 8), onDay: 12) == [10, 25, 39])
    }

    @Test func earlyReviewsUseTheDaysActuallyElapsed() throws {
        let s = try sm2()
        // ivl 10 after 5 days: hard max(6, 6) = 6, good max(12.5, 10) → 13, easy 12.5 × 1.15 → 14.
        #expect(intervals(s, reviewCard(interval: 10), onDay: 5) == [6, 13, 14])
    }

    @Test func intervalModifierScalesEveryReviewInterval() throws {
        let s = try sm2 { $0.intervalModifier = 2.0 }
        #expect(intervals(s, reviewCard(interval: 3), onDay: 3) == [7, 15, 20])
    }

    @Test func easeMovesByAnkisDeltasWithAFloor() throws {
        let s = try sm2()
        let now = t0 + 10 * day
        let card = reviewCard(interval: 10)
        #expect(s.answer(card, rating: .hard, at: now, fuzzSeed: 1).state.ease == 2.35)
        #expect(s.answer(card, rating: .good, at: now, fuzzSeed: 1).state.ease == 2.5)
        #expect(s.answer(card, rating: .easy, at: now, fuzzSeed: 1).state.ease == 2.65)
        let low = reviewCard(interval: 10, ease: 1.35)
        #expect(s.answer(low, rating: .hard, at: now, fuzzSeed: 1).state.ease == 1.3)
        #expect(s.answer(low, rating: .again, at: now, fuzzSeed: 1).state.ease == 1.3)
    }

    @Test func lapseRelearnsThenReturnsToTheReducedInterval() throws {
        let s = try sm2()
        let now = t0 + 25 * day
        let lapsed = s.answer(reviewCard(interval: 25), rating: .again, at: now, fuzzSeed: 1).state
        #expect(lapsed.phase == .relearning && lapsed.due == now + 600_000)
        #expect(lapsed.lapses == 1 && lapsed.intervalDays == 1)
        #expect(abs((lapsed.ease ?? 0) - 2.3) < 1e-12)
        let back = s.answer(lapsed, rating: .good, at: now + 600_000, fuzzSeed: 1).state
        #expect(back.phase == .review && back.intervalDays == 1)
        let easy = s.answer(lapsed, rating: .easy, at: now + 600_000, fuzzSeed: 1).state
        #expect(easy.intervalDays == 2)
    }

    @Test func lapseMultiplierAndMinimumIntervalSetTheNewInterval() throws {
        let s = try sm2 {
            $0.lapseMultiplier = 0.5
            $0.minimumInterval = 2
        }
        let now = t0 + 25 * day
        #expect(s.answer(reviewCard(interval: 25), rating: .again, at: now, fuzzSeed: 1).state.intervalDays == 12)
        #expect(s.answer(reviewCard(interval: 3), rating: .again, at: t0 + 3 * day, fuzzSeed: 1)
            .state.intervalDays == 2)
    }

    @Test func basicProgressionOverSeveralReviews() throws {
        let s = try sm2()
        var state = s.answer(.new, rating: .good, at: t0, fuzzSeed: 1).state
        state = s.answer(state, rating: .good, at: t0 + 600_000, fuzzSeed: 1).state
        var day = 0
        var seen: [Int] = []
        for _ in 0..<4 {
            day += state.intervalDays
            state = s.answer(state, rating: .good, at: t0 + Millis(day) * self.day, fuzzSeed: 1).state
            seen.append(state.intervalDays)
        }
        #expect(seen == [3, 8, 20, 50])
    }
}
