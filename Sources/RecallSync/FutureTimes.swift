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
        let limit = now > Millis.max - tolerance ? Millis.max : now + tolerance
        func check(_ time: inout Millis) {
            guard time > limit else { return }
            found.count += 1
            found.latest = max(found.latest, time)
            time = 0
        }
        for d in file.decks.indices {
            check(&file.decks[d].modified)
            check(&file.decks[d].renamed)
            for c in file.decks[d].cards.indices {
                check(&file.decks[d].cards[c].created)
                check(&file.decks[d].cards[c].modified)
                check(&file.decks[d].cards[c].marks.suspendedAt)
                check(&file.decks[d].cards[c].marks.flaggedAt)
                check(&file.decks[d].cards[c].marks.buriedAt)
                if var moved = file.decks[d].cards[c].moved {
                    check(&moved)
                    file.decks[d].cards[c].moved = moved
                }
            }
        }
        for t in file.tombstones.indices {
            check(&file.tombstones[t].deleted)
            if var card = file.tombstones[t].card {
                check(&card.created)
                check(&card.modified)
                check(&card.moved)
                check(&card.marks.suspendedAt)
                check(&card.marks.flaggedAt)
                check(&card.marks.buriedAt)
                file.tombstones[t].card = card
            }
            if var deck = file.tombstones[t].deck {
                check(&deck.renamed)
                check(&deck.modified)
                file.tombstones[t].deck = deck
            }
        }
        return found
    }

    /// The warning for a file, naming it: nil when nothing was from the future.
    public func warning(file: String) -> String? {
        guard count > 0 else { return nil }
        return "\(file): \(count) \(count == 1 ? "time is" : "times are") more than a day ahead of this machine's clock "
            + "(latest \(ISOTime.format(latest))); taken as unknown, so they win no merge: check the clock of the machine that wrote it"
    }
}
