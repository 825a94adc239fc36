import RecallModel
import RecallScheduler

/// Times from the future (issue 14 item 5; DESIGN.md invariant 4: "a time from the future does
/// not win"). A deck file whose times lie far ahead of this machine's clock (a machine whose
/// clock is years ahead, or a hostile file with tombstones dated 9999) would otherwise win
/// every merge, delete every card, and keep winning: a local edit is newer than nothing it
/// competes with. Such times are taken as unknown, the oldest possible, so they win nothing
/// that anyone else has a time for; the file's content is still read, and its reviews are
/// all kept (a review is never lost, whatever its time).
public struct FutureTimes: Sendable, Equatable {
    /// How far ahead of the local clock a time may be and still count: a day, far more than
    /// any clock drift between machines that sync, far less than the years that do damage.
    public static let tolerance: Millis = 86_400_000

    /// How many times were taken as unknown, and the latest of them.
    public var count = 0
    public var latest: Millis = .min

    public init() {}

    /// `file`'s times more than `tolerance` after `now` set to 0 (1970: older than anything
    /// real): deck and card changes, moves, creation and tombstones. Reviews keep their times.
    public static func disarm(_ file: inout DeckFile, now: Millis) -> FutureTimes {
        var found = FutureTimes()
        let limit = Self.limit(now: now)
        for d in file.decks.indices {
            found.disarm(deck: &file.decks[d], limit: limit)
            for c in file.decks[d].cards.indices { found.disarm(card: &file.decks[d].cards[c], limit: limit) }
        }
        for t in file.tombstones.indices { found.disarm(tombstone: &file.tombstones[t], limit: limit) }
        return found
    }

    /// The latest time that still counts when the clock says `now`.
    public static func limit(now: Millis) -> Millis {
        now > Millis.max - tolerance ? Millis.max : now + tolerance
    }

    /// Sets `time` to 0 and counts it when it is after `limit`.
    private mutating func check(_ time: inout Millis, _ limit: Millis) {
        guard time > limit else { return }
        count += 1
        latest = max(latest, time)
        time = 0
    }

    /// A deck's own times (not its cards').
    public mutating func disarm(deck: inout DeckFile.Deck, limit: Millis) {
        check(&deck.modified, limit)
        check(&deck.renamed, limit)
    }

    /// One card's times, as `DeckFileStream` hands cards out one by one.
    public mutating func disarm(card: inout DeckFile.Card, limit: Millis) {
        check(&card.created, limit)
        check(&card.modified, limit)
        check(&card.marks.suspendedAt, limit)
        check(&card.marks.flaggedAt, limit)
        check(&card.marks.buriedAt, limit)
        if var moved = card.moved {
            check(&moved, limit)
            card.moved = moved
        }
    }

    public mutating func disarm(tombstone: inout Tombstone, limit: Millis) {
        check(&tombstone.deleted, limit)
        if var card = tombstone.card {
            check(&card.created, limit)
            check(&card.modified, limit)
            check(&card.moved, limit)
            check(&card.marks.suspendedAt, limit)
            check(&card.marks.flaggedAt, limit)
            check(&card.marks.buriedAt, limit)
            tombstone.card = card
        }
        if var deck = tombstone.deck {
            check(&deck.renamed, limit)
            check(&deck.modified, limit)
            tombstone.deck = deck
        }
    }

    /// Adds `other`'s count and latest time to these.
    public mutating func add(_ other: FutureTimes) {
        count += other.count
        latest = max(latest, other.latest)
    }

    /// The warning for a file, naming it: nil when nothing was from the future.
    public func warning(file: String) -> String? {
        guard count > 0 else { return nil }
        return "\(file): \(count) \(count == 1 ? "time is" : "times are") more than a day ahead of this machine's clock "
            + "(latest \(ISOTime.format(latest))); taken as unknown, so they win no merge: check the clock of the machine that wrote it"
    }
}
