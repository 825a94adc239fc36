import RecallScheduler

/// One deletion, kept so that sync can pass it on (DESIGN.md invariant 4): a card or note by
/// its guid, a deck by its id.
public struct Tombstone: Sendable, Equatable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case card, note, deck }
    /// The card or note guid, or the deck's id (its name in files of format 1).
    public var id: String
    public var kind: Kind
    /// When it was deleted (milliseconds since 1970, UTC).
    public var deleted: Millis

    public init(id: String, kind: Kind, deleted: Millis) {
        self.id = id
        self.kind = kind
        self.deleted = deleted
    }
}
