/// Learning or relearning steps, in seconds, with Anki's delay rules (rslib
/// `scheduler/states/steps.rs`). A card's `step` is the index of the step it is on.
struct LearningSteps: Sendable, Equatable {
    let seconds: [Int]

    private static let day = 86_400

    var isEmpty: Bool { seconds.isEmpty }

    /// The step index clamped into range, for cards whose steps were shortened since.
    func index(_ step: Int) -> Int { min(max(step, 0), max(seconds.count - 1, 0)) }

    /// Again: back to the first step.
    var againDelay: Int? { seconds.first }

    /// Hard repeats the current step, except on the first step, where it is the average of the
    /// first two steps (so it differs from Again), or 1.5 × the only step but at most a day more
    /// (so it stays below a graduating interval).
    func hardDelay(at step: Int) -> Int? {
        guard let first = seconds.first else { return nil }
        let i = index(step)
        guard i == 0 else { return seconds[i] }
        if seconds.count > 1 {
            return Self.roundedToDays((first + seconds[1]) / 2)
        }
        return Self.roundedToDays(min(first * 3 / 2, first + Self.day))
    }

    /// Good moves to the next step; `nil` after the last one (the card graduates).
    func goodDelay(at step: Int) -> Int? {
        let next = index(step) + 1
        return next < seconds.count ? seconds[next] : nil
    }

    /// Delays over a day are rounded to whole days, so that answering earlier or later in the
    /// day gives the same result (Anki `maybe_round_in_days`).
    static func roundedToDays(_ secs: Int) -> Int {
        guard secs > day else { return secs }
        return Int((Double(secs) / Double(day)).rounded()) * day
    }
}
