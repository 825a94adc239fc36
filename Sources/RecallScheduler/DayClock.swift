import Foundation

/// Turns instants into scheduling days, as Anki does: a day starts at `rolloverHour` o'clock
/// local wall time (default 04:00), so a late-night session counts as the evening before.
///
/// Day numbers count wall-clock days since 1970-01-01 (day 0 starts at 1970-01-01 `rolloverHour`:00
/// local time). Because they are computed from the local wall clock, DST changes make days 23 or
/// 25 hours long but never move the rollover hour. Pure: the time zone is passed in, no clock is read.
public struct DayClock: Sendable, Equatable {
    public let timeZone: TimeZone
    /// Hour of the local day at which a new scheduling day starts, 0…23.
    public let rolloverHour: Int

    /// `rolloverHour` is clamped to 0…23 (`SchedulerOptions` validates the user's value).
    public init(timeZone: TimeZone, rolloverHour: Int = 4) {
        self.timeZone = timeZone
        self.rolloverHour = min(max(rolloverHour, 0), 23)
    }

    private static let secondsPerDay: Int64 = 86_400

    /// Seconds to add to UTC to get local wall time at `instant`.
    private func offsetSeconds(at instant: Millis) -> Int64 {
        let date = Date(timeIntervalSince1970: Double(instant) / 1000)
        return Int64(timeZone.secondsFromGMT(for: date))
    }

    /// Floor division, so that instants before 1970 get the right (negative) day.
    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// The scheduling day `instant` falls in. Elapsed days for FSRS are the difference of two of
    /// these (spec FSRS6.md section 1: "whole days since the previous review").
    public func dayNumber(at instant: Millis) -> Int {
        let localSeconds = DayClock.floorDiv(instant, 1000) + offsetSeconds(at: instant)
        let shifted = localSeconds - Int64(rolloverHour) * 3600
        return Int(DayClock.floorDiv(shifted, DayClock.secondsPerDay))
    }

    /// The first instant of scheduling day `day`: `rolloverHour`:00 local time on that date.
    /// When that wall time does not exist (a DST gap), the day starts at the transition; when it
    /// occurs twice (DST ends), the day starts at the first occurrence.
    public func startOfDay(_ day: Int) -> Millis {
        let wallSeconds = Int64(day) * DayClock.secondsPerDay + Int64(rolloverHour) * 3600
        let wallMillis = wallSeconds * 1000
        // Offsets in force around that wall time; at most two differ near a transition.
        let early = offsetSeconds(at: wallMillis - 14 * 3_600_000)
        let late = offsetSeconds(at: wallMillis + 14 * 3_600_000)
        var best: Millis?
        for offset in Set([early, late, offsetSeconds(at: wallMillis)]) {
            let candidate = (wallSeconds - offset) * 1000
            if offsetSeconds(at: candidate) == offset, best.map({ candidate < $0 }) ?? true {
                best = candidate
            }
        }
        if let best { return best }
        // The wall time falls in a gap: find the first instant whose day is `day`.
        var lo = (wallSeconds - max(early, late)) * 1000  // before the gap: still the previous day
        var hi = (wallSeconds - min(early, late)) * 1000  // after the gap: already `day`
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if dayNumber(at: mid) >= day { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// Milliseconds until the next day starts, e.g. for "next card in 3h".
    public func millisUntilNextDay(from instant: Millis) -> Millis {
        startOfDay(dayNumber(at: instant) + 1) - instant
    }
}
