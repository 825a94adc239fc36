import RecallScheduler

/// A card's scheduling state at a moment, that replay starts from instead of a new card
/// (`card_checkpoints`, a deck file card's `checkpoint`). Reviews at or before `at` are the
/// card's history; those after it are replayed on top of `state`. An imported Anki card whose
/// state is not the replay of its revlog (a due date set by hand, a card forgotten, FSRS memory
/// states from other parameters) gets one, so that the log stays the truth (DESIGN.md
/// invariant 1) without answers being invented.
public struct CardCheckpoint: Sendable, Equatable, Hashable {
    public var at: Millis
    public var state: CardState

    public init(at: Millis, state: CardState) {
        self.at = at
        self.state = state
    }

    /// Whether `a` replaces `b` when two versions of a card meet (sync): the later one; on equal
    /// times the one with more answers, then the later due, so every store picks the same.
    public static func later(_ a: CardCheckpoint, than b: CardCheckpoint) -> Bool {
        if a.at != b.at { return a.at > b.at }
        if a.state.reps != b.state.reps { return a.state.reps > b.state.reps }
        return (a.state.due ?? .min) > (b.state.due ?? .min)
    }

    public static func == (a: CardCheckpoint, b: CardCheckpoint) -> Bool { a.at == b.at && a.state == b.state }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(at)
        hasher.combine(state.phase)
        hasher.combine(state.due)
        hasher.combine(state.reps)
    }
}

extension Scheduler {
    /// The state a card's log leads to: from its checkpoint when it has one (reviews after it),
    /// else from new (every review). Reviews must be in log order.
    public func replay(_ reviews: [(at: Millis, rating: Rating)], checkpoint: CardCheckpoint?, fuzzSeed: UInt64) -> CardState {
        guard let checkpoint else { return replay(reviews, fuzzSeed: fuzzSeed) }
        return replay(reviews.filter { $0.at > checkpoint.at }, from: checkpoint.state, fuzzSeed: fuzzSeed)
    }
}
