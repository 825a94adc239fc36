/// An interval as the answer buttons show it, like Anki's `answer_button_time`: `<1m`, `1m`,
/// `10m`, `1.5h`, `2d`, `3.2mo`, `1.5y`. Minutes and days are whole; hours, months (30 days) and
/// years (365 days) have one decimal, dropped when it is 0. Negative spans show as `<1m`.
public func formatInterval(millis: Millis) -> String {
    let seconds = Double(max(millis, 0)) / 1000
    let minute = 60.0
    let hour = 60 * minute
    let day = 24 * hour
    let month = 30 * day
    let year = 365 * day
    switch seconds {
    case ..<minute: return "<1m"
    case ..<hour: return "\(Int((seconds / minute).rounded()))m"
    case ..<day: return oneDecimal(seconds / hour) + "h"
    case ..<month: return "\(Int((seconds / day).rounded()))d"
    case ..<year: return oneDecimal(seconds / month) + "mo"
    default: return oneDecimal(seconds / year) + "y"
    }
}

/// `1.5` → "1.5", `2.04` → "2"; the value is a few thousand at most (36500 days is 100 years).
private func oneDecimal(_ x: Double) -> String {
    let tenths = Int((x * 10).rounded())
    return tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
}
