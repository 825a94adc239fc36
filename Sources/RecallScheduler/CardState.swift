import Foundation

/// Milliseconds since the Unix epoch, UTC. Every instant in recall is one of these,
/// so that the store, the log and the JSON files agree to the millisecond.
public typealias Millis = Int64

public let millisPerMinute: Millis = 60_000
public let millisPerDay: Millis = 86_400_000

/// Where a card is in its life, as in Anki: new, in its learning steps, in review,
/// or back in (re)learning steps after a lapse.
public enum Phase: String, Sendable, Codable, CaseIterable, Equatable {
    case new, learning, review, relearning
}

/// The four answers. A review "succeeds" when the rating is hard or better.
public enum Rating: Int, Sendable, Codable, CaseIterable, Equatable, Comparable {
    case again = 1, hard = 2, good = 3, easy = 4

    /// Accepts `again|hard|good|easy`, their first letters, or `1-4`.
    public init?(argument: String) {
        switch argument.lowercased() {
        case "1", "again", "a": self = .again
        case "2", "hard", "h": self = .hard
        case "3", "good", "g": self = .good
        case "4", "easy", "e": self = .easy
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .again: "again"
        case .hard: "hard"
        case .good: "good"
        case .easy: "easy"
        }
    }

    public static func < (lhs: Rating, rhs: Rating) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A card's scheduling state: what replaying its review log gives (DESIGN.md invariant 1).
/// The store keeps a copy of it on each card as a cache of that replay.
public struct CardState: Sendable, Equatable, Codable {
    public var phase: Phase
    /// When the card is next due. Learning cards are due at a moment; review cards are due
    /// on the day this instant falls in (see `DayClock`). `nil` for new cards.
    public var due: Millis?
    /// FSRS stability in days, 0.001…36500 (FSRS6.md section 6), updated by every FSRS answer,
    /// learning ones included. SM-2 answers leave it untouched (`nil` for cards only SM-2 saw);
    /// replaying the log with FSRS recomputes it.
    public var stability: Double?
    /// FSRS difficulty, 1...10; like `stability`, untouched by SM-2.
    public var difficulty: Double?
    /// Answers given, every rating and phase counted. Also feeds the fuzz factor (`Fuzz.factor`).
    public var reps: Int
    /// Times the card was forgotten in review (Again on a review card); drives leech detection.
    public var lapses: Int
    public var lastReview: Millis?
    /// Index of the current (re)learning step; 0 outside learning.
    public var step: Int
    /// The last scheduled interval in whole days (review cards); for relearning cards the interval
    /// they return to after relearning (SM-2), as Anki keeps it; 0 for new and learning cards.
    public var intervalDays: Int
    /// SM-2 ease factor (2.5 = 250 %); `nil` for cards never scheduled by SM-2.
    public var ease: Double?

    public init(
        phase: Phase = .new, due: Millis? = nil, stability: Double? = nil, difficulty: Double? = nil,
        reps: Int = 0, lapses: Int = 0, lastReview: Millis? = nil, step: Int = 0, intervalDays: Int = 0,
        ease: Double? = nil
    ) {
        self.phase = phase
        self.due = due
        self.stability = stability
        self.difficulty = difficulty
        self.reps = reps
        self.lapses = lapses
        self.lastReview = lastReview
        self.step = step
        self.intervalDays = intervalDays
        self.ease = ease
    }

    /// The state of a card that has never been reviewed.
    public static let new = CardState()
}
