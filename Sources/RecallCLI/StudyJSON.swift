import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync

/// JSON and text for the study commands (`next`, `answer`, `undo`), shared by the review screen.
enum StudyText {
    /// "Again 1m · Hard 6m · Good 2d · Easy 8d"
    static func buttons(_ preview: AnswerPreview, scheduler: Scheduler, now: Millis) -> String {
        Rating.allCases.map { rating in
            "\(rating.name.capitalized) \(formatInterval(millis: scheduler.shownInterval(of: preview[rating], at: now)))"
        }.joined(separator: " · ")
    }

    static func intervalsJSON(_ preview: AnswerPreview, scheduler: Scheduler, now: Millis) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for rating in Rating.allCases {
            let state = preview[rating].state
            let interval = scheduler.shownInterval(of: preview[rating], at: now)
            members[rating.name] = .object([
                "interval": .string(formatInterval(millis: interval)),
                "interval_ms": .int(interval),
                "due": state.due.map { .string(ISOTime.format($0)) } ?? .null,
                "phase": .string(state.phase.rawValue),
            ])
        }
        return .object(members)
    }

    static func countsJSON(_ counts: QueueCounts) -> JSONValue {
        .object(["new": .int(Int64(counts.new)), "learning": .int(Int64(counts.learning)), "review": .int(Int64(counts.review))])
    }

    static func counts(_ counts: QueueCounts) -> String {
        "\(counts.new) new · \(counts.learning) learning · \(counts.review) review left today"
    }
}
