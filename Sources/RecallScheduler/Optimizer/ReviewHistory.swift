/// Review histories as the optimiser and the fit metrics read them: for each card, its ratings
/// and the whole days since the previous review (the first review's days are ignored), in the
/// order given. Flat arrays rather than one array per card, so that a million reviews replay
/// from a few contiguous buffers.
public struct ReviewHistories: Sendable, Equatable {
    /// Ratings 1…4 of every review, card after card.
    public private(set) var ratings: [UInt8] = []
    /// Whole days since the card's previous review; 0 for a same-day review and the first review.
    public private(set) var elapsedDays: [Int32] = []
    /// Where each card's reviews start in `ratings`; one more entry than cards, the last = count.
    public private(set) var cardStarts: [Int] = [0]

    public init() {}

    /// Histories from lists of `(rating, elapsedDays)`; empty lists are skipped.
    public init(cards: [[FSRSReview]]) {
        for card in cards where !card.isEmpty { append(card: card) }
    }

    public var cardCount: Int { cardStarts.count - 1 }
    public var reviewCount: Int { ratings.count }

    /// Reviews that the metrics score and the optimiser learns from: every review after a
    /// card's first that came at least a day after the one before (optimizer.md).
    public var scoredCount: Int {
        var n = 0
        for c in 0..<cardCount where cardStarts[c + 1] - cardStarts[c] > 1 {
            for i in (cardStarts[c] + 1)..<cardStarts[c + 1] where elapsedDays[i] > 0 { n += 1 }
        }
        return n
    }

    /// Appends one card's reviews in order.
    public mutating func append(card reviews: [FSRSReview]) {
        guard !reviews.isEmpty else { return }
        for (i, r) in reviews.enumerated() {
            ratings.append(UInt8(r.rating.rawValue))
            elapsedDays.append(i == 0 ? 0 : max(r.elapsedDays, 0))
        }
        cardStarts.append(ratings.count)
    }

    /// Appends one review to the card being built; `newCard` starts a new card with it.
    mutating func appendReview(rating: UInt8, elapsedDays days: Int32, newCard: Bool) {
        if newCard && !ratings.isEmpty { cardStarts.append(ratings.count) }
        ratings.append(rating)
        elapsedDays.append(newCard ? 0 : max(days, 0))
    }

    mutating func finish() {
        if !ratings.isEmpty && cardStarts.last != ratings.count { cardStarts.append(ratings.count) }
    }

    /// The histories of the cards at `indices`, in that order.
    public func subset(_ indices: [Int]) -> ReviewHistories {
        var out = ReviewHistories()
        for c in indices where c >= 0 && c < cardCount {
            for i in cardStarts[c]..<cardStarts[c + 1] {
                out.appendReview(rating: ratings[i], elapsedDays: elapsedDays[i], newCard: i == cardStarts[c])
            }
        }
        out.finish()
        return out
    }
}
