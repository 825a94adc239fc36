import Foundation
import Testing

@testable import RecallScheduler

/// Days start at the rollover hour of the local wall clock (Anki rslib `timing.rs`).
struct DayClockTests {
    @Test(arguments: [
        ("America/New_York", "2024-01-15T03:59:00-05:00", "2024-01-15T04:00:00-05:00"),
        ("Asia/Kolkata", "2024-01-15T03:59:00+05:30", "2024-01-15T04:00:00+05:30"),
        ("America/New_York", "2024-07-15T03:59:59-04:00", "2024-07-15T04:00:00-04:00"),
    ])
    func dayRollsOverAtFourLocalNotAtMidnight(zoneName: String, before: String, after: String) throws {
        let clock = DayClock(timeZone: try zone(zoneName))
        let justBefore = try millis(before)
        let atRollover = try millis(after)
        #expect(clock.dayNumber(at: atRollover) == clock.dayNumber(at: justBefore) + 1)
        #expect(clock.startOfDay(clock.dayNumber(at: atRollover)) == atRollover)
        // Midnight belongs to the evening before.
        let midnight = atRollover - 4 * 3_600_000
        #expect(clock.dayNumber(at: midnight) == clock.dayNumber(at: justBefore))
    }

    @Test func twoInTheMorningIsStillTheSameDayAsTheEveningBefore() throws {
        let clock = DayClock(timeZone: try zone("Asia/Kolkata"))
        let evening = try millis("2024-05-01T21:00:00+05:30")
        #expect(clock.dayNumber(at: try millis("2024-05-02T02:00:00+05:30")) == clock.dayNumber(at: evening))
        #expect(clock.dayNumber(at: try millis("2024-05-02T04:00:00+05:30")) == clock.dayNumber(at: evening) + 1)
    }

    @Test func dayNumbersCountFromTheEpochInUTC() {
        let clock = DayClock(timeZone: utc)
        #expect(clock.dayNumber(at: 0) == -1)  // 1970-01-01 00:00 is before the 04:00 rollover
        #expect(clock.startOfDay(0) == 4 * 3_600_000)
        #expect(clock.dayNumber(at: 4 * 3_600_000) == 0)
        #expect(clock.dayNumber(at: -1) == -1)
        #expect(DayClock(timeZone: utc, rolloverHour: 0).dayNumber(at: -1) == -1)
    }

    @Test func springForwardDayIs23HoursAndKeepsTheRolloverAtFourLocal() throws {
        let clock = DayClock(timeZone: try zone("America/New_York"))
        // 2024-03-10 02:00 EST jumps to 03:00 EDT.
        let saturday = clock.dayNumber(at: try millis("2024-03-09T12:00:00-05:00"))
        #expect(clock.startOfDay(saturday) == (try millis("2024-03-09T04:00:00-05:00")))
        #expect(clock.startOfDay(saturday + 1) == (try millis("2024-03-10T04:00:00-04:00")))
        #expect(clock.startOfDay(saturday + 1) - clock.startOfDay(saturday) == 23 * 3_600_000)
        #expect(clock.dayNumber(at: try millis("2024-03-10T03:59:00-04:00")) == saturday)
        #expect(clock.dayNumber(at: try millis("2024-03-10T04:00:00-04:00")) == saturday + 1)
    }

    @Test func fallBackDayIs25Hours() throws {
        let clock = DayClock(timeZone: try zone("America/New_York"))
        // 2024-11-03 02:00 EDT falls back to 01:00 EST.
        let saturday = clock.dayNumber(at: try millis("2024-11-02T12:00:00-04:00"))
        #expect(clock.startOfDay(saturday + 1) == (try millis("2024-11-03T04:00:00-05:00")))
        #expect(clock.startOfDay(saturday + 1) - clock.startOfDay(saturday) == 25 * 3_600_000)
        #expect(clock.dayNumber(at: try millis("2024-11-03T03:59:00-05:00")) == saturday)
    }

    @Test func rolloverInsideTheSpringForwardGapStartsTheDayAtTheTransition() throws {
        // 02:30 does not exist on 2024-03-10 in New York; the day starts when the clocks jump.
        let clock = DayClock(timeZone: try zone("America/New_York"), rolloverHour: 2)
        let day = clock.dayNumber(at: try millis("2024-03-10T12:00:00-04:00"))
        #expect(clock.startOfDay(day) == (try millis("2024-03-10T03:00:00-04:00")))
        #expect(clock.dayNumber(at: try millis("2024-03-10T01:59:59-05:00")) == day - 1)
    }

    @Test func rolloverInTheRepeatedHourStartsTheDayAtItsFirstOccurrence() throws {
        let clock = DayClock(timeZone: try zone("America/New_York"), rolloverHour: 1)
        let day = clock.dayNumber(at: try millis("2024-11-03T12:00:00-05:00"))
        #expect(clock.startOfDay(day) == (try millis("2024-11-03T01:00:00-04:00")))
    }

    @Test(arguments: ["America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/London", "UTC"])
    func everyInstantLiesWithinItsOwnDay(zoneName: String) throws {
        let clock = DayClock(timeZone: try zone(zoneName))
        var rng = SeededRandom(seed: 7)
        for _ in 0..<300 {
            // 2000 … 2040, where the zones had DST changes.
            let t = Millis.random(in: 946_684_800_000...2_208_988_800_000, using: &rng)
            let day = clock.dayNumber(at: t)
            #expect(clock.startOfDay(day) <= t, "\(t)")
            #expect(t < clock.startOfDay(day + 1), "\(t)")
            #expect(clock.dayNumber(at: clock.startOfDay(day)) == day)
        }
    }

    @Test func elapsedDaysForFSRSAreDayNumberDifferences() throws {
        let scheduler = try makeScheduler(timeZone: try zone("America/New_York"))
        let evening = try millis("2024-03-09T23:00:00-05:00")
        let first = scheduler.answer(.new, rating: .good, at: evening, fuzzSeed: 1).state
        // 03:59 the next morning is the same scheduling day: the same-day formula applies.
        let sameDay = scheduler.answer(first, rating: .good, at: try millis("2024-03-10T03:59:00-04:00"), fuzzSeed: 1)
        let model = scheduler.model
        let s0 = try #require(first.stability)
        let d0 = try #require(first.difficulty)
        let expectedSameDay = model.nextState(MemoryState(stability: s0, difficulty: d0), elapsedDays: 0, rating: .good)
        #expect(sameDay.state.stability == expectedSameDay.stability)
        // 04:00 is the next day: one elapsed day.
        let nextDay = scheduler.answer(first, rating: .good, at: try millis("2024-03-10T04:00:00-04:00"), fuzzSeed: 1)
        let expectedNextDay = model.nextState(MemoryState(stability: s0, difficulty: d0), elapsedDays: 1, rating: .good)
        #expect(nextDay.state.stability == expectedNextDay.stability)
    }
}
