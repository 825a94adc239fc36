import Foundation
import RecallModel
import RecallScheduler

/// What is left to study today, as Anki counts it: new cards up to each deck's daily limit,
/// learning cards due today, review cards due today up to each deck's daily limit.
public struct QueueCounts: Sendable, Equatable {
    public var new: Int
    public var learning: Int
    public var review: Int

    public var total: Int { new + learning + review }
}

/// The card to study next, if any, with what remains today.
public struct StudyQueue: Sendable, Equatable {
    public var next: CardRecord?
    public var counts: QueueCounts
    /// When nothing is due now: the moment the next card becomes due (nil when none will).
    public var nextDue: Millis?
}

extension Store {
    /// How far ahead a learning card may be shown when nothing else is left (Anki's default, 20 min).
    static let learnAheadMillis: Millis = 20 * 60_000

    /// Decks in scope: one deck and its sub-decks, or all.
    func deckScope(_ deck: String?) throws(StoreError) -> [Int64] {
        guard let deck else { return try db.rows("SELECT id FROM decks", []) { $0.int64Value(0) } }
        let ids = try decks(under: deck).map(\.id)
        if ids.isEmpty { throw .deckNotFound(deck) }
        return ids
    }

    /// The queue as of `now`: learning cards that are due first, then due reviews with new cards
    /// mixed in, each deck within its daily limits (which count what was studied since the day began).
    public func studyQueue(deck: String?, now: Millis, timeZone: TimeZone) throws -> StudyQueue {
        let clock = try dayClock(timeZone: timeZone)
        let today = clock.dayNumber(at: now)
        let startOfToday = clock.startOfDay(today)
        let endOfToday = clock.startOfDay(today + 1)
        let scope = try deckScope(deck)
        let scopeList = scope.map(String.init).joined(separator: ",")  // integers from our own rows

        // Per deck: what was studied today and what is available.
        var studiedNew: [Int64: Int] = [:], studiedReview: [Int64: Int] = [:]
        for row in try db.rows(
            """
            SELECT c.deck_id, count(*) FILTER (WHERE r.prev_phase = 'new'), count(*) FILTER (WHERE r.prev_phase = 'review')
            FROM review_log r CROSS JOIN cards c ON c.id = r.card_id  -- today's log drives: it is small
            WHERE r.reviewed_at >= ? AND r.reviewed_at < ? AND c.deck_id IN (\(scopeList)) GROUP BY c.deck_id
            """, [.integer(startOfToday), .integer(endOfToday)], { ($0.int64Value(0), $0.intValue(1), $0.intValue(2)) }) {
            studiedNew[row.0] = row.1
            studiedReview[row.0] = row.2
        }
        var counts = QueueCounts(new: 0, learning: 0, review: 0)
        var newDecks: [Int64] = [], reviewDecks: [Int64] = []
        var studiedNewTotal = 0, studiedReviewTotal = 0
        for deckID in scope {
            let options = try options(forDeckID: deckID)
            let newLeft = max(0, options.newPerDay - (studiedNew[deckID] ?? 0))
            let reviewLeft = max(0, options.reviewsPerDay - (studiedReview[deckID] ?? 0))
            studiedNewTotal += studiedNew[deckID] ?? 0
            studiedReviewTotal += studiedReview[deckID] ?? 0
            // Each count stops at the deck's limit: the queue never needs more than that.
            let available = try db.row(
                """
                SELECT (SELECT count(*) FROM (SELECT 1 FROM cards WHERE deck_id = :deck AND phase = 'new' AND suspended = 0
                                              AND coalesce(buried_until, -1) < :today LIMIT :newLeft)),
                       (SELECT count(*) FROM (SELECT 1 FROM cards WHERE deck_id = :deck AND phase = 'review' AND due < :end
                                              AND suspended = 0 AND coalesce(buried_until, -1) < :today LIMIT :reviewLeft)),
                       (SELECT count(*) FROM cards WHERE deck_id = :deck AND phase IN ('learning', 'relearning')
                                              AND due < :end AND suspended = 0)
                """, [.integer(deckID), .integer(Int64(today)), .integer(Int64(newLeft)), .integer(endOfToday),
                      .integer(Int64(reviewLeft))]) {
                ($0.intValue(0), $0.intValue(1), $0.intValue(2))
            } ?? (0, 0, 0)
            let newCount = min(available.0, newLeft)
            let reviewCount = min(available.1, reviewLeft)
            counts.new += newCount
            counts.review += reviewCount
            counts.learning += available.2
            if newCount > 0 { newDecks.append(deckID) }
            if reviewCount > 0 { reviewDecks.append(deckID) }
        }

        /// The first card in `order`: the id is found on the cards table alone (walking the
        /// (phase, due) index in order, `+c.deck_id` keeps the planner off the deck index, which
        /// would sort every candidate), then the one card is read whole.
        func first(_ condition: String, _ order: String, _ arguments: [SQLValue]) throws(StoreError) -> CardRecord? {
            guard let id = try db.row("SELECT c.id FROM cards c WHERE " + condition + " ORDER BY " + order + " LIMIT 1",
                                      arguments, { $0.int64Value(0) })
            else { return nil }
            return try card(id)
        }
        let learningDue = "c.phase IN ('learning', 'relearning') AND c.suspended = 0 AND +c.deck_id IN (\(scopeList))"
            + " AND coalesce(c.buried_until, -1) < \(today) AND c.due <= ?"
        if let card = try first(learningDue, "c.due, c.id", [.integer(now)]) {
            return StudyQueue(next: card, counts: counts, nextDue: nil)
        }
        let reviewCandidate = try reviewDecks.isEmpty ? nil : first(
            "c.phase = 'review' AND c.suspended = 0 AND coalesce(c.buried_until, -1) < ? AND c.due < ? AND +c.deck_id IN (\(reviewDecks.map(String.init).joined(separator: ",")))",
            "c.due, c.id", [.integer(Int64(today)), .integer(endOfToday)])
        let newCandidate = try newDecks.isEmpty ? nil : first(
            "c.phase = 'new' AND c.suspended = 0 AND coalesce(c.buried_until, -1) < ? AND +c.deck_id IN (\(newDecks.map(String.init).joined(separator: ",")))",
            "c.due, c.id", [.integer(Int64(today))])  // due is NULL for new cards: walks the (phase, due) index
        // Spread new cards evenly through the reviews: show a new card when the share of new
        // cards studied today is behind the share of new cards in what is left.
        if let newCandidate, let reviewCandidate {
            let showNew = (studiedNewTotal + 1) * counts.review <= studiedReviewTotal * counts.new
            return StudyQueue(next: showNew ? newCandidate : reviewCandidate, counts: counts, nextDue: nil)
        }
        if let card = reviewCandidate ?? newCandidate {
            return StudyQueue(next: card, counts: counts, nextDue: nil)
        }
        if let card = try first(learningDue, "c.due, c.id", [.integer(now + Self.learnAheadMillis)]) {
            return StudyQueue(next: card, counts: counts, nextDue: nil)
        }
        let nextDue = try db.row(
            """
            SELECT min(CASE WHEN phase = 'review' AND due < :end THEN :end ELSE due END) FROM cards
            WHERE suspended = 0 AND phase != 'new' AND deck_id IN (\(scopeList))
            """, [.integer(endOfToday)]) { $0.int64(0) } ?? nil
        return StudyQueue(next: nil, counts: counts, nextDue: nextDue)
    }
}
