import RecallScheduler

/// What a user sets on a card besides its note's text and its deck: suspension, the flag, and
/// burying, each with the time it was last set. Sync merges each on its own time (DESIGN.md
/// invariant 4): suspending a card on one store and flagging it on another keeps both, and
/// neither undoes an edit of the text made elsewhere.
public struct CardMarks: Sendable, Equatable, Hashable {
    public var suspended: Bool
    public var suspendedAt: Millis
    /// 0 = none, 1 = flagged for fixing.
    public var flag: Int
    public var flaggedAt: Millis
    /// The scheduling day (`DayClock.dayNumber`) the card stays buried through, or nil.
    public var buriedUntil: Int?
    public var buriedAt: Millis

    public init(suspended: Bool = false, suspendedAt: Millis, flag: Int = 0, flaggedAt: Millis,
                buriedUntil: Int? = nil, buriedAt: Millis) {
        self.suspended = suspended
        self.suspendedAt = suspendedAt
        self.flag = flag
        self.flaggedAt = flaggedAt
        self.buriedUntil = buriedUntil
        self.buriedAt = buriedAt
    }

    /// A card as created: no mark, each set at `created`.
    public static func unmarked(at created: Millis) -> CardMarks {
        CardMarks(suspendedAt: created, flaggedAt: created, buriedAt: created)
    }

    /// The latest time any mark was set.
    public var latest: Millis { max(suspendedAt, flaggedAt, buriedAt) }

    /// Each mark from the version that set it last; on equal times the larger value wins
    /// (suspended over not, a flag over none, the later day over none), so every store picks the
    /// same whatever the order it meets the versions in.
    public func merged(with other: CardMarks) -> CardMarks {
        var result = self
        if other.suspendedAt > suspendedAt || (other.suspendedAt == suspendedAt && other.suspended && !suspended) {
            result.suspended = other.suspended
            result.suspendedAt = other.suspendedAt
        }
        if other.flaggedAt > flaggedAt || (other.flaggedAt == flaggedAt && other.flag > flag) {
            result.flag = other.flag
            result.flaggedAt = other.flaggedAt
        }
        if other.buriedAt > buriedAt || (other.buriedAt == buriedAt && (other.buriedUntil ?? .min) > (buriedUntil ?? .min)) {
            result.buriedUntil = other.buriedUntil
            result.buriedAt = other.buriedAt
        }
        return result
    }

    /// The times as they are with none before `created` (a time before the card existed is a
    /// file's mistake, and would let a stale value win).
    public func notBefore(_ created: Millis) -> CardMarks {
        var result = self
        result.suspendedAt = max(suspendedAt, created)
        result.flaggedAt = max(flaggedAt, created)
        result.buriedAt = max(buriedAt, created)
        return result
    }
}
