import ArgumentParser
import Foundation
import RecallScheduler
import RecallStore
import RecallTerminal

/// `recall stats`: what a learner asks after a month of use.
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show retention, forecast, review time and card statistics.",
        discussion: """
            Cards by phase; true retention of review answers (passed / all) beside the recall \
            FSRS predicted for them, young (interval under 21 days) and mature apart, for today, \
            yesterday, the last 7, 30 and 365 days and all time; a calendar of reviews over the \
            last year; cards due in the next 30 days; review time and answer buttons over the \
            last --days days; the ten hardest cards; stability and difficulty histograms. \
            Colour when the output is a terminal and NO_COLOR is unset.
            Examples:
              recall stats
              recall stats --deck 'Python interview' --days 7
              recall stats --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "One deck and its sub-decks (default: the whole store).")
    var deck: String?

    @Option(help: "Days of history for review time, answer buttons and daily retention (default 30).")
    var days: Int = 30

    @Flag(help: "Print every figure as one JSON object.")
    var json = false

    func validate() throws {
        guard (1...36_500).contains(days) else { throw ValidationError("--days must be 1 to 36500") }
    }

    func run() throws {
        let context = try Context(storeOptions)
        if let deck { try Store.checkDeckName(deck) }
        let stats = try context.store.statistics(deck: deck, now: context.now, timeZone: context.clock.timeZone, days: days)
        if json {
            Output.json(Self.json(stats))
            return
        }
        let clock = try context.dayClock
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = context.clock.timeZone
        let today = clock.dayNumber(at: context.now)
        // The calendar date of each scheduling day: noon after its start.
        func date(_ day: Int) -> Date { Date(timeIntervalSince1970: Double(clock.startOfDay(day)) / 1000 + 8 * 3600) }
        let weekday = calendar.component(.weekday, from: date(today))
        let months = (0..<365).map { calendar.component(.month, from: date(today - 364 + $0)) }
        let color = ColorSupport.enabled(environment: context.environment, outputIsTerminal: isatty(1) == 1)
        for line in StatsView(stats: stats, color: color, todayWeekday: weekday, months: months).render() {
            Output.line(line)
        }
    }

    static func json(_ s: Statistics) -> JSONValue {
        func retention(_ r: Statistics.Retention) -> JSONValue {
            .object([
                "answers": .int(Int64(r.answers)), "passed": .int(Int64(r.passed)),
                "true_retention": r.trueRetention.map { .double($0) } ?? .null,
                "predicted_recall": r.predicted.map { .double($0) } ?? .null,
            ])
        }
        func row(_ r: Statistics.RetentionRow) -> JSONValue {
            .object(["period": .string(r.name), "young": retention(r.young), "mature": retention(r.mature)])
        }
        func buttons(_ b: [Int]) -> JSONValue {
            .object([
                "again": .int(Int64(b[0])), "hard": .int(Int64(b[1])), "good": .int(Int64(b[2])), "easy": .int(Int64(b[3])),
            ])
        }
        let c = s.counts
        return .object([
            "cards": .object([
                "total": .int(Int64(c.total)), "new": .int(Int64(c.new)), "learning": .int(Int64(c.learning)),
                "review": .int(Int64(c.review)), "relearning": .int(Int64(c.relearning)),
                "suspended": .int(Int64(c.suspended)), "buried": .int(Int64(c.buried)),
                "young": .int(Int64(c.young)), "mature": .int(Int64(c.mature)),
            ]),
            "retention": .array(s.retention.map(row)),
            "retention_by_day": .array(s.retentionByDay.map { r in
                .object(["days_ago": .int(Int64(r.name) ?? 0), "young": retention(r.young), "mature": retention(r.mature)])
            }),
            "calendar": .array(s.calendar.map {
                .object(["days_ago": .int(Int64($0.daysAgo)), "reviews": .int(Int64($0.reviews)), "milliseconds": .int($0.milliseconds)])
            }),
            "forecast": .array(s.forecast.map { .int(Int64($0)) }),
            "period_days": .int(Int64(s.periodDays)),
            "review_time": .object([
                "answers": .int(Int64(s.periodReviews)), "cards": .int(Int64(s.periodCards)),
                "milliseconds": .int(s.periodMilliseconds),
                "days_studied": .int(Int64(s.calendar.suffix(s.periodDays).filter { $0.reviews > 0 }.count)),
            ]),
            "buttons": buttons(s.buttons),
            "buttons_by_kind": .object([
                "learning": buttons(s.buttonsByKind[0]), "young": buttons(s.buttonsByKind[1]),
                "mature": buttons(s.buttonsByKind[2]),
            ]),
            "hardest": .array(s.hardest.map {
                .object([
                    "id": .int($0.id), "front": .string($0.front), "lapses": .int(Int64($0.lapses)),
                    "retrievability": $0.retrievability.map { .double($0) } ?? .null,
                    "difficulty": $0.difficulty.map { .double($0) } ?? .null,
                ])
            }),
            "stability": .array(s.stability.map { .object(["range": .string($0.label), "cards": .int(Int64($0.count))]) }),
            "difficulty": .array(s.difficulty.map { .object(["range": .string($0.label), "cards": .int(Int64($0.count))]) }),
        ])
    }
}
