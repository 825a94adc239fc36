import Foundation
import RecallModel
import RecallScheduler

/// The one clock of recall (DESIGN.md invariant 5): "now" is read here, once per command,
/// from `RECALL_NOW` when set (so tests and simulations travel in time), else from the system.
public struct Clock: Sendable {
    /// The instant the command started: what every one-shot command uses as "now".
    public let now: Millis
    public let timeZone: TimeZone
    /// Monotonic reading taken with `now`, so that long-running commands (the review screen)
    /// can move forward from `now` by real elapsed time, even when `RECALL_NOW` fixed the start.
    private let started: UInt64

    public init(now: Millis, timeZone: TimeZone) {
        self.now = now
        self.timeZone = timeZone
        started = DispatchTime.now().uptimeNanoseconds
    }

    /// `now` plus the real time elapsed since the clock was read: for commands that run for a while.
    public func current() -> Millis {
        now + Millis((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000)
    }

    /// `RECALL_NOW` set to an empty (or blank) value counts as unset, as with most variables of
    /// the shell (`RECALL_NOW= recall …` is how a script switches it off for one command).
    public static func fromEnvironment(_ environment: [String: String]) throws(CLIError) -> Clock {
        let zone = TimeZone.current
        guard let text = environment["RECALL_NOW"], !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return Clock(now: Millis((Date().timeIntervalSince1970 * 1000).rounded(.down)), timeZone: zone)
        }
        guard let now = parseISO8601(text, localZone: zone) else { throw .badNow(text) }
        return Clock(now: now, timeZone: zone)
    }

    /// Parses `YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|±HH:MM|±HHMM]`. Without an offset the time is
    /// local (in `localZone`), as a person typing a time would mean it.
    public static func parseISO8601(_ text: String, localZone: TimeZone) -> Millis? {
        let chars = Array(text.trimmingCharacters(in: .whitespaces))
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= chars.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                guard let digit = chars[index + offset].wholeNumberValue, chars[index + offset].isASCII else { return nil }
                value = value * 10 + digit
            }
            index += digits
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < chars.count, chars[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        if index < chars.count, chars[index] == "T" || chars[index] == " " {
            index += 1
            guard let h = number(2), expect(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if expect(":") {
                guard let s = number(2), s < 61 else { return nil }
                second = min(s, 59)
                if expect(".") || expect(",") {
                    var digits = 0
                    var fraction = 0
                    while index < chars.count, let digit = chars[index].wholeNumberValue, chars[index].isASCII {
                        if digits < 3 { fraction = fraction * 10 + digit }
                        digits += 1
                        index += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 3) { fraction *= 10 }
                    millis = fraction
                }
            }
        }
        var offsetSeconds: Int?
        if index < chars.count {
            if chars[index] == "Z" || chars[index] == "z" {
                index += 1
                offsetSeconds = 0
            } else if chars[index] == "+" || chars[index] == "-" {
                let sign = chars[index] == "-" ? -1 : 1
                index += 1
                guard let h = number(2) else { return nil }
                _ = expect(":")
                let m = number(2) ?? 0
                guard h < 24, m < 60 else { return nil }
                offsetSeconds = sign * (h * 3600 + m * 60)
            }
        }
        guard index == chars.count else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = offsetSeconds.flatMap { TimeZone(secondsFromGMT: $0) } ?? localZone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day
        else { return nil }
        return Millis((date.timeIntervalSince1970).rounded()) * 1000 + Millis(millis)
    }
}
