import Foundation
import Testing

@testable import RecallScheduler

/// Anki's learning, review and relearning rules on top of FSRS-6.
struct SchedulerTests {
    /// 2024-01-01 10:00 UTC: well inside a scheduling day.
    let t0: Millis = 1_704_103_200_000
    let minute: Millis = 60_000
    let day: Millis = 86_400_000

    func labels(_ scheduler: Scheduler, _ state: CardState, at now: Millis) -> String {
        let preview = scheduler.preview(state, at: now, fuzzSeed: 9)
        return Rating.allCases.map { rating in
            let shown = scheduler.shownInterval(of: preview[rating].state, at: now)
            return "\(rating.name.capitalized) \(formatInterval(millis: shown))"
        }.joined(separator: " · ")
    }

    @Test func newCardButtonsShowAnkisLearningSteps() throws {
        let scheduler = try makeScheduler { $0.fuzz = false }
        #expect(labels(scheduler, .new, at: t0) == "Again 1m · Hard 6m · Good 10m · Easy 8d")
        let preview = scheduler.preview(.new, at: t0, fuzzSeed: 9)
        #expect(preview.again.state.due == t0 + minute)
        #expect(preview.hard.state.due == t0 + 330_000)  // (1m + 10m) / 2 = 5.5m
        #expect(preview.good.state.due == t0 + 10 * minute)
        #expect(preview.again.state.phase == .learning && preview.again.state.step == 0)
        #expect(preview.hard.state.step == 0)
        #expect(preview.good.state.step == 1)
        #expect(preview.easy.state.phase == .review)
        #expect(preview.easy.state.intervalDays == 8)
        for rating in Rating.allCases {
            let state = preview[rating].state
            #expect(state.reps == 1 && state.lastReview == t0)
            #expect(state.stability == scheduler.model.initialState(rating).stability)
        }
    }

    @Test func hardOnTheLastLearningStepRepeatsItAndGoodGraduates() throws {
        let scheduler = try makeScheduler { $0.fuzz = false }  // steps exactly, unfuzzed
        let onLastStep = scheduler.answer(.new, rating: .good, at: t0, fuzzSeed: 1).state
        let now = t0 + 10 * minute
        let hard = scheduler.answer(onLastStep, rating: .hard, at: now, fuzzSeed: 1).state
        #expect(hard.phase == .learning && hard.step == 1 && hard.due == now + 10 * minute)
        let good = scheduler.answer(onLastStep, rating: .good, at: now, fuzzSeed: 1).state
        // Same-day Good keeps S = 2.3065: 2 days, too short to fuzz.
        #expect(good.phase == .review && good.intervalDays == 2 && good.step == 0)
        #expect(good.due == scheduler.clock.startOfDay(scheduler.clock.dayNumber(at: now) + 2))
        #expect(good.reps == 2)
    }

    @Test func againOnAnyLearningStepGoesBackToTheFirst() throws {
        let scheduler = try makeScheduler {
            $0.learningSteps = [60, 600, 3600]
            $0.fuzz = false
        }
        var state = scheduler.answer(.new, rating: .good, at: t0, fuzzSeed: 1).state
        state = scheduler.answer(state, rating: .good, at: t0 + 10 * minute, fuzzSeed: 1).state
        #expect(state.step == 2 && state.due == t0 + 10 * minute + 3_600_000)
        let hard = scheduler.answer(state, rating: .hard, at: t0 + 70 * minute, fuzzSeed: 1).state
        #expect(hard.step == 2 && hard.due == t0 + 70 * minute + 3_600_000)
        let again = scheduler.answer(state, rating: .again, at: t0 + 70 * minute, fuzzSeed: 1).state
        #expect(again.step == 0 && again.due == t0 + 71 * minute)
    }

    @Test func hardOnASingleStepIsOneAndAHalfTimesIt() throws {
        let scheduler = try makeScheduler {
            $0.learningSteps = [600]
            $0.fuzz = false
        }
        let hard = scheduler.answer(.new, rating: .hard, at: t0, fuzzSeed: 1).state
        #expect(hard.due == t0 + 15 * minute)
        #expect(LearningSteps(seconds: [3 * 86_400]).hardDelay(at: 0) == 4 * 86_400)  // at most a day more
        #expect(LearningSteps(seconds: [60, 600, 6000]).hardDelay(at: 1) == 600)
        #expect(LearningSteps(seconds: [60, 600]).goodDelay(at: 1) == nil)
    }

    @Test func emptyLearningStepsSkipLearning() throws {
        let scheduler = try makeScheduler {
            $0.learningSteps = []
            $0.fuzz = false
        }
        let good = scheduler.answer(.new, rating: .good, at: t0, fuzzSeed: 1).state
        #expect(good.phase == .review && good.intervalDays == 2)
        let again = scheduler.answer(.new, rating: .again, at: t0, fuzzSeed: 1).state
        #expect(again.phase == .review && again.intervalDays == 1)  // S0 = 0.212 → at least a day
    }

    /// A review card from Easy on a new card (8 days).
    func reviewCard(_ scheduler: Scheduler) -> CardState {
        scheduler.answer(.new, rating: .easy, at: t0, fuzzSeed: 3).state
    }

    @Test func lapseGoesToRelearningStepsThenBackToReview() throws {
        let scheduler = try makeScheduler { $0.fuzz = false }
        let review = reviewCard(scheduler)
        let now = t0 + 8 * day
        let lapsed = scheduler.answer(review, rating: .again, at: now, fuzzSeed: 3)
        #expect(lapsed.state.phase == .relearning && lapsed.state.step == 0)
        #expect(lapsed.state.due == now + 10 * minute)
        #expect(lapsed.state.lapses == 1 && !lapsed.becameLeech)
        let hard = scheduler.answer(lapsed.state, rating: .hard, at: now + 10 * minute, fuzzSeed: 3).state
        #expect(hard.phase == .relearning && hard.due == now + 25 * minute)  // 1.5 × 10m
        let good = scheduler.answer(lapsed.state, rating: .good, at: now + 10 * minute, fuzzSeed: 3).state
        #expect(good.phase == .review && good.lapses == 1)
        let s = try #require(good.stability)
        #expect(good.intervalDays == FSRS.wholeDays(s, maximum: 36_500))
    }

    @Test func emptyRelearningStepsSendALapseStraightBackToReview() throws {
        let scheduler = try makeScheduler { $0.relearningSteps = [] }
        let lapsed = scheduler.answer(reviewCard(scheduler), rating: .again, at: t0 + 8 * day, fuzzSeed: 3).state
        #expect(lapsed.phase == .review && lapsed.lapses == 1 && lapsed.intervalDays >= 1)
    }

    @Test func reviewCardIsDueAtTheStartOfItsDay() throws {
        let scheduler = try makeScheduler()
        let review = reviewCard(scheduler)
        let dueDay = scheduler.clock.dayNumber(at: t0) + review.intervalDays
        #expect(review.due == scheduler.clock.startOfDay(dueDay))
        #expect(!scheduler.isDue(review, at: scheduler.clock.startOfDay(dueDay) - 1))
        #expect(scheduler.isDue(review, at: scheduler.clock.startOfDay(dueDay)))
        #expect(scheduler.isDue(.new, at: t0))
    }

    @Test func reviewIntervalsUseDesiredRetention() throws {
        let at90 = try makeScheduler { $0.fuzz = false }
        let at80 = try makeScheduler {
            $0.fuzz = false
            $0.desiredRetention = 0.8
        }
        let now = t0 + 8 * day
        let good90 = at90.answer(reviewCard(at90), rating: .good, at: now, fuzzSeed: 3).state
        let good80 = at80.answer(reviewCard(at80), rating: .good, at: now, fuzzSeed: 3).state
        let s = try #require(good80.stability)
        #expect(good90.intervalDays == Int(s.rounded()))
        #expect(good80.intervalDays == Int((s * 3.315960).rounded()))
    }

    @Test func maximumIntervalCapsEveryButton() throws {
        let scheduler = try makeScheduler { $0.maximumInterval = 5 }
        let preview = scheduler.preview(reviewCard(scheduler), at: t0 + 8 * day, fuzzSeed: 3)
        for rating in [Rating.hard, .good, .easy] {
            #expect(preview[rating].state.intervalDays <= 5)
        }
        #expect(preview.easy.state.intervalDays == 5)
    }

    @Test func workedHistoryOfSection7ThroughTheScheduler() throws {
        let scheduler = try makeScheduler()
        let answers: [(Millis, Rating, Double, Double)] = [
            (t0, .good, 2.306500, 2.118104),
            (t0 + 10 * minute, .good, 2.306500, 2.111214),
            (t0 + 3 * day, .good, 13.835848, 2.104331),
            (t0 + 12 * day, .hard, 32.489067, 4.743716),
            (t0 + 42 * day, .again, 2.390642, 8.257523),
            (t0 + 42 * day + 10 * minute, .again, 0.801467, 9.412488),
            (t0 + 43 * day, .good, 1.631178, 9.398304),
            (t0 + 47 * day, .easy, 5.937607, 9.182473),
        ]
        var state = CardState.new
        for (i, (at, rating, s, d)) in answers.enumerated() {
            state = scheduler.answer(state, rating: rating, at: at, fuzzSeed: 5).state
            #expect(relativelyClose(try #require(state.stability), s, 1e-5), "answer \(i + 1)")
            #expect(abs(try #require(state.difficulty) - d) < 1e-5, "answer \(i + 1)")
        }
        #expect(state.reps == 8 && state.lapses == 1 && state.phase == .review)
        let replayed = scheduler.replay(answers.map { (at: $0.0, rating: $0.1) }, fuzzSeed: 5)
        #expect(replayed == state)
    }

    @Test func leechIsFlaggedAtTheThresholdAndEveryHalfThresholdAfter() throws {
        // Anki rslib review.rs `leech_threshold`.
        let table: [(Int, Int, Bool)] = [
            (0, 3, false), (2, 3, false), (3, 3, true), (4, 3, false), (5, 3, true), (7, 3, true),
            (7, 8, false), (8, 8, true), (9, 8, false), (11, 8, false), (12, 8, true), (13, 8, false),
            (0, 0, false), (5, 0, false), (0, 1, false), (1, 1, true), (2, 1, true),
        ]
        for (lapses, threshold, met) in table {
            #expect(Scheduler.leechThresholdMet(lapses: lapses, threshold: threshold) == met, "\(lapses)/\(threshold)")
        }
        let scheduler = try makeScheduler { $0.relearningSteps = [] }
        var state = reviewCard(scheduler)
        var leechAt: [Int] = []
        for n in 1...13 {
            let outcome = scheduler.answer(state, rating: .again, at: t0 + Millis(8 + n) * day, fuzzSeed: 3)
            if outcome.becameLeech { leechAt.append(outcome.state.lapses) }
            state = outcome.state
        }
        #expect(leechAt == [8, 12])
    }

    @Test func invalidStoredOptionsAreRejectedWhenTheSchedulerIsMade() throws {
        let json = #"{"desired_retention": 1.5}"#
        let options = try JSONDecoder().decode(SchedulerOptions.self, from: Data(json.utf8))
        #expect(throws: ConfigError.outOfRange(key: "desired_retention", minimum: "0.70", maximum: "0.99", got: "1.5")) {
            try Scheduler(options: options, clock: DayClock(timeZone: utc))
        }
    }

    @Test func schedulerFromTimeZoneUsesTheConfiguredRolloverHour() throws {
        var options = SchedulerOptions()
        options.rolloverHour = 6
        let scheduler = try Scheduler(options: options, timeZone: try zone("Asia/Kolkata"))
        #expect(scheduler.clock.rolloverHour == 6)
    }

    @Test func retrievabilityFallsWithTheDaysSinceTheLastReview() throws {
        let scheduler = try makeScheduler()
        let card = reviewCard(scheduler)
        #expect(scheduler.retrievability(of: .new, at: t0) == nil)
        let r1 = try #require(scheduler.retrievability(of: card, at: t0 + day))
        let r8 = try #require(scheduler.retrievability(of: card, at: t0 + 8 * day))
        #expect(scheduler.retrievability(of: card, at: t0) == 1)
        #expect(r1 > r8 && r8 > 0.85)
    }

    static let formatted: [(Millis, String)] = [
        (0, "<1m"), (59_999, "<1m"), (-5, "<1m"), (60_000, "1m"), (330_000, "6m"), (600_000, "10m"),
        (3_600_000, "1h"), (5_400_000, "1.5h"), (172_800_000, "2d"), (29 * 86_400_000, "29d"),
        (96 * 86_400_000, "3.2mo"), (47_304_000_000, "1.5y"), (365 * 86_400_000, "1y"),
    ]

    @Test(arguments: formatted)
    func intervalsAreFormattedLikeAnkisButtons(millis: Millis, text: String) {
        #expect(formatInterval(millis: millis) == text)
    }
}
