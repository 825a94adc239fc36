import Foundation
import RecallScheduler

/// What `recall optimize` needs from the store: the review histories of a deck (or all), saving
/// fitted parameters, and recomputing memory states while keeping due dates.
///
/// Keeping due dates and keeping the log the truth (DESIGN.md invariant 1) meet through one
/// setting, `due_kept_before`: a card last answered before that moment may keep the due date
/// (and scheduled interval) it was given when answered, while its memory state is the replay
/// with the new parameters. `checkReplay` accepts exactly that difference; the card's next
/// answer is scheduled from the replayed state, so from then on it is a plain replay again.
extension Store {
    static let keptDueKey = "due_kept_before"

    /// Cards last answered before this moment may keep their due date and interval.
    public func dueKeptBefore() throws(StoreError) -> Millis? {
        try setting(Self.keptDueKey).flatMap { Millis($0) }
    }

    /// Forgets kept due dates: the next `checkReplay(fix: true)` reschedules every card from its
    /// log (a changed option reschedules, as it always did).
    public func forgetKeptDueDates() throws(StoreError) {
        try db.run("DELETE FROM settings WHERE key = ?", [.text(Self.keptDueKey)])
    }

    /// The review histories of the cards of `deck` and its sub-decks (all cards with nil), for
    /// the optimiser: ratings in log order with whole days between reviews by the store's day
    /// clock, so that reviews on one scheduling day are same-day reviews.
    /// `deckIDs` holds each history's deck, in the same order.
    public func reviewHistories(deck: String?, clock: DayClock) throws(StoreError) -> (histories: ReviewHistories, deckIDs: [Int64]) {
        let cards = try cards(deck: deck)
        let logs = try reviewsByCard(cards.map(\.id))
        var histories = ReviewHistories()
        var deckIDs: [Int64] = []
        for card in cards {
            guard let log = logs[card.id], !log.isEmpty else { continue }
            deckIDs.append(card.deckID)
            var previous = clock.dayNumber(at: log[0].at)
            var reviews: [FSRSReview] = []
            reviews.reserveCapacity(log.count)
            for (i, review) in log.enumerated() {
                let day = clock.dayNumber(at: review.at)
                reviews.append(FSRSReview(rating: review.rating, elapsedDays: Int32(clamping: i == 0 ? 0 : max(day - previous, 0))))
                previous = day
            }
            histories.append(card: reviews)
        }
        return (histories, deckIDs)
    }

    /// Decks in `deck` (all with nil) whose own options set FSRS parameters: a store-wide fit
    /// does not change what they use.
    public func decksWithOwnParameters(under deck: String?) throws(StoreError) -> [String] {
        let all = try decks()
        var names = Set(all.map(\.name))
        if let deck { names = Set(try decks(under: deck).map(\.name)) }
        return all.filter { names.contains($0.name) && deckOverrides($0)["parameters"] != nil }.map(\.name)
    }

    /// Saves `parameters` store-wide (nil) or for `deck` and each of its sub-decks (each sets its
    /// own, as `recall config --deck` does). Returns the decks configured.
    @discardableResult
    public func saveParameters(_ parameters: [Double], deck: String?, now: Millis) throws -> [String] {
        let text = parameters.map { String($0) }.joined(separator: ", ")
        guard let deck else {
            try setOption("parameters", to: text, deck: nil, now: now)
            return []
        }
        let names = try decks(under: deck).map(\.name)
        for name in names { try setOption("parameters", to: text, deck: name, now: now) }
        return names
    }

    /// After new parameters: every card's state is replayed. With `reschedule`, due dates move
    /// to what the replay gives; without, cards keep theirs (`due_kept_before` = now). Returns
    /// the cards whose stored state changed.
    @discardableResult
    public func recomputeStates(timeZone: TimeZone, reschedule: Bool, now: Millis) throws -> Int {
        if reschedule {
            try forgetKeptDueDates()
        } else {
            try setSetting(Self.keptDueKey, String(max(now, try dueKeptBefore() ?? now)))
        }
        return try checkReplay(timeZone: timeZone, fix: true).count
    }

    /// The state `checkReplay` expects of a card: the replay, except that a card last answered
    /// before `keptBefore` keeps its stored due date and interval.
    static func expectedState(replayed: CardState, stored: CardState, keptBefore: Millis?) -> CardState {
        guard let keptBefore, let last = stored.lastReview, last < keptBefore,
              stored.lastReview == replayed.lastReview, stored.phase == replayed.phase
        else { return replayed }
        var expected = replayed
        expected.due = stored.due
        expected.intervalDays = stored.intervalDays
        return expected
    }
}
