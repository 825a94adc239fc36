import Foundation
import RecallScheduler
import RecallStore
import RecallTerminal

/// `recall stats` as text: tables, a calendar heatmap and bar charts in Unicode block
/// characters, coloured when `color` is on (a terminal, no NO_COLOR).
struct StatsView {
    let stats: Statistics
    let color: Bool
    /// Weekday of today, 1 = Sunday … 7 = Saturday (Calendar's numbering), for the heatmap rows.
    let todayWeekday: Int
    /// Month of each of the last 365 days (index 364 = today), 1…12, for the heatmap's labels.
    let months: [Int]

    private static let levels: [Character] = ["░", "▒", "▓", "█"]
    private static let greens = [22, 28, 34, 40]
    private static let eighths: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private func paint(_ text: String, _ code: Int) -> String {
        color ? "\u{1B}[38;5;\(code)m" + text + "\u{1B}[0m" : text
    }

    private func bold(_ text: String) -> String { color ? "\u{1B}[1m" + text + "\u{1B}[0m" : text }

    static func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    func render() -> [String] {
        var out: [String] = []
        let c = stats.counts
        out.append(bold("Cards") + "  \(c.total): new \(c.new) · learning \(c.learning) · review \(c.review) (young \(c.young), mature \(c.mature))"
            + " · relearning \(c.relearning) · suspended \(c.suspended) · buried \(c.buried)")
        out.append("")
        out += retention()
        out.append("")
        out += heatmap()
        out.append("")
        out += forecast()
        out.append("")
        out += timeAndButtons()
        out.append("")
        out += hardest()
        out.append("")
        out += histogram("Stability (days until recall falls to 90%)", stats.stability)
        out.append("")
        out += histogram("Difficulty (1 easiest, 10 hardest)", stats.difficulty)
        return out
    }

    private func cell(_ r: Statistics.Retention) -> String {
        guard r.answers > 0 else { return Output.column("-", 24) }
        return Output.column("\(Self.percent(r.trueRetention)) of \(r.answers) · \(Self.percent(r.predicted))", 24)
    }

    func retention() -> [String] {
        var out = [bold("Retention") + " of review answers: true (passed / all) · FSRS predicted"]
        out.append(Output.column("", 10) + Output.column("young", 24) + "  " + Output.column("mature", 24) + "  all")
        for row in stats.retention {
            var all = row.young
            all.answers += row.mature.answers
            all.passed += row.mature.passed
            all.predictedSum += row.mature.predictedSum
            all.predictedCount += row.mature.predictedCount
            out.append(Output.column(row.name, 10) + cell(row.young) + "  " + cell(row.mature) + "  " + cell(all))
        }
        return out
    }

    /// A year of reviews per day: one column a week, one row a weekday, today bottom right.
    func heatmap() -> [String] {
        let counts = stats.calendar.map(\.reviews)
        let nonzero = counts.filter { $0 > 0 }.sorted()
        func level(_ n: Int) -> Int {
            guard n > 0, !nonzero.isEmpty else { return -1 }
            // Quartiles of the days with reviews.
            for (k, q) in [0.25, 0.5, 0.75].enumerated() where n <= nonzero[min(Int(Double(nonzero.count - 1) * q), nonzero.count - 1)] {
                return k
            }
            return 3
        }
        // Column of each day: weeks end on Saturday; today's row is its weekday.
        let lastRow = todayWeekday - 1  // 0 = Sunday
        let firstOffset = 364 - lastRow  // days before today of the top-right cell's Sunday
        let weeks = (firstOffset + 6) / 7 + 1
        var grid = Array(repeating: Array(repeating: " ", count: weeks), count: 7)
        for i in 0..<365 {
            let ago = 364 - i
            let position = (weeks - 1) * 7 + lastRow - ago  // cell index counting Sunday of week 0 as 0
            guard position >= 0 else { continue }
            let (week, row) = (position / 7, position % 7)
            let l = level(counts[i])
            grid[row][week] = l < 0 ? "·" : paint(String(Self.levels[l]), Self.greens[l])
        }
        var monthLine = Array(repeating: " ", count: weeks + 4)
        var lastMonth = 0
        for week in 0..<weeks {
            let ago = (weeks - 1 - week) * 7 + lastRow  // the Sunday of that week
            guard ago <= 364, ago >= 0 else { continue }
            let m = months[364 - ago]
            if m != lastMonth && week + 3 <= weeks {
                for (k, ch) in Self.monthNames[m - 1].enumerated() where week + k < monthLine.count { monthLine[week + k] = String(ch) }
                lastMonth = m
            }
        }
        let days = counts.filter { $0 > 0 }.count
        let total = counts.reduce(0, +)
        var out = [bold("Reviews") + " in the last 365 days: \(total) on " + Output.count(days, "day")
            + (days > 0 ? String(format: ", %.1f a day studied", Double(total) / Double(days)) : "")]
        out.append("    " + monthLine.joined())
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        for row in 0..<7 { out.append(names[row] + " " + grid[row].joined()) }
        out.append("    less · " + (0..<4).map { paint(String(Self.levels[$0]), Self.greens[$0]) }.joined() + " more")
        return out
    }

    /// Cards due on each of the next 30 days as vertical bars, eight steps a row.
    func forecast() -> [String] {
        let f = stats.forecast
        let top = max(f.max() ?? 0, 1)
        let height = 6
        var out = [bold("Due") + " in the next 30 days: \(f.reduce(0, +)) (today \(f.first ?? 0), tomorrow \(f.count > 1 ? f[1] : 0), most \(top == 1 && f.allSatisfy { $0 == 0 } ? 0 : top) on one day)"]
        for row in (0..<height).reversed() {
            var line = row == height - 1 ? Output.column(String(top), 5, right: true) + " " : String(repeating: " ", count: 6)
            for n in f {
                let eighthsHigh = Int((Double(n) / Double(top) * Double(height * 8)).rounded(.up))
                let here = min(max(eighthsHigh - row * 8, 0), 8)
                line += paint(String(Self.eighths[here]), 39)
            }
            out.append(line)
        }
        out.append(String(repeating: " ", count: 6) + "today    +10       +20      +29")
        return out
    }

    func timeAndButtons() -> [String] {
        let minutes = Double(stats.periodMilliseconds) / 60_000
        let studied = stats.calendar.suffix(stats.periodDays).filter { $0.reviews > 0 }.count
        var out = [bold("Review time") + " in the last \(stats.periodDays) days: " + String(format: "%.1f min", minutes)
            + " on " + Output.count(studied, "day") + (studied > 0 ? String(format: ", %.1f min a day studied", minutes / Double(studied)) : "")]
        if stats.periodReviews > 0 {
            out.append(String(format: "  %.1f s an answer, %.1f s a card (%d answers to %d cards)",
                              Double(stats.periodMilliseconds) / 1000 / Double(stats.periodReviews),
                              Double(stats.periodMilliseconds) / 1000 / Double(max(stats.periodCards, 1)),
                              stats.periodReviews, stats.periodCards))
        }
        let names = ["again", "hard", "good", "easy"]
        func counts(_ buttons: [Int]) -> String {
            let total = max(buttons.reduce(0, +), 1)
            return (0..<4).map {
                "\(names[$0]) \(buttons[$0]) (" + String(format: "%.0f%%", Double(buttons[$0]) * 100 / Double(total)) + ")"
            }.joined(separator: " · ")
        }
        out.append(bold("Answer buttons") + " in the last \(stats.periodDays) days: " + counts(stats.buttons))
        for (k, kind) in ["learning", "young", "mature"].enumerated() where stats.buttonsByKind[k].reduce(0, +) > 0 {
            out.append("  " + Output.column(kind, 9) + counts(stats.buttonsByKind[k]))
        }
        return out
    }

    func hardest() -> [String] {
        guard !stats.hardest.isEmpty else { return [bold("Hardest cards") + ": none has lapsed or is below 90% recall"] }
        var out = [bold("Hardest cards") + " (most lapses, then lowest recall now)",
                   "     id  lapses  recall  difficulty  front"]
        for card in stats.hardest {
            out.append(Output.column(String(card.id), 7, right: true) + Output.column(String(card.lapses), 8, right: true)
                + Output.column(Self.percent(card.retrievability), 8, right: true)
                + Output.column(card.difficulty.map { String(format: "%.1f", $0) } ?? "-", 12, right: true)
                + "  " + Output.summary(card.front, width: 40))
        }
        return out
    }

    func histogram(_ title: String, _ buckets: [Statistics.Bucket]) -> [String] {
        let top = max(buckets.map(\.count).max() ?? 0, 1)
        let width = 40
        var out = [bold(title)]
        for b in buckets {
            let eighths = Int((Double(b.count) / Double(top) * Double(width * 8)).rounded())
            let bar = String(repeating: "█", count: eighths / 8) + (eighths % 8 > 0 ? String(Self.partial[eighths % 8]) : "")
            out.append(Output.column(b.label, 9) + paint(Output.column(bar, width), 39) + " " + String(b.count))
        }
        return out
    }

    private static let partial: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
}
