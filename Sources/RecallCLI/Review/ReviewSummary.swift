import Foundation
import RecallModel
import RecallScheduler

/// Cards due after the session: later today, and tomorrow.
struct DueLater {
    var today: Int
    var tomorrow: Int
}

/// The text printed when a session ends, on the normal screen (so it stays in the scrollback)
/// and in the line-by-line mode alike.
enum ReviewSummary {
    /// "Studied 12 cards in 4m 30s · Again 8% (1 of 12 answers)", then what is due tomorrow and,
    /// when the session ran out of cards, when the next one is due.
    static func lines(
        stats: ReviewStats, cram: Bool, dueLater: DueLater?, finished: Bool, nextDue: Millis?, now: Millis,
        zone: TimeZone
    ) -> [String] {
        var lines: [String] = []
        if stats.answers == 0 {
            lines.append(cram ? "No cards crammed." : "No cards studied.")
        } else {
            let cards = Output.count(stats.cardsStudied, "card")
            let verb = cram ? "Crammed" : "Studied"
            let percent = Int((Double(stats.again) * 100 / Double(stats.answers)).rounded())
            let answers = Output.count(stats.answers, "answer")
            lines.append("\(verb) \(cards) in \(duration(stats.durationMS)) · Again \(percent)% (\(stats.again) of \(answers))")
        }
        if cram { lines.append("Cram: schedules unchanged.") }
        if finished {
            if cram {
                lines.append("All crammed.")
            } else if let nextDue {
                lines.append("All done for now; the next card is due \(Output.localTime(nextDue, zone: zone))"
                    + " (in \(formatInterval(millis: nextDue - now))).")
            } else {
                lines.append("All done: no card is due.")
            }
        }
        if let dueLater {
            if dueLater.today > 0 { lines.append("Still due today: \(Output.count(dueLater.today, "card")).") }
            lines.append("Due tomorrow: \(Output.count(dueLater.tomorrow, "card")).")
        }
        return lines
    }

    /// What an empty queue says at the start instead of an empty screen (as `recall next`).
    static func nothingDue(nextDue: Millis?, cram: Bool, now: Millis, zone: TimeZone) -> String {
        if cram { return "nothing to cram: every card is due, suspended or buried" }
        guard let nextDue else { return "nothing to study: no cards are due" }
        return "nothing due now; the next card is due \(Output.localTime(nextDue, zone: zone))"
            + " (in \(formatInterval(millis: nextDue - now)))"
    }

    /// "45s", "4m 30s", "1h 05m".
    static func duration(_ millis: Int64) -> String {
        let seconds = max(0, millis) / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(pad(seconds % 60))s" }
        return "\(seconds / 3600)h \(pad(seconds % 3600 / 60))m"
    }

    private static func pad(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
