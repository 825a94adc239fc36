import RecallModel
import RecallStore
import RecallSync

/// What keeps a card out of review, or marks it, as `show`, `list` and `search` report it:
/// suspended, buried (until the day rolls over), flagged for fixing.
enum CardStatus {
    /// Buried through scheduling day `buriedUntil`: the queue skips it while that is today or later.
    static func isBuried(_ card: CardRecord, today: Int) -> Bool {
        guard let day = card.buriedUntil else { return false }
        return day >= today
    }

    /// "suspended", "buried", "flagged", in that order; empty for a card that is none of them.
    static func words(_ card: CardRecord, today: Int) -> [String] {
        var words: [String] = []
        if card.suspended { words.append("suspended") }
        if isBuried(card, today: today) { words.append("buried") }
        if card.flag != 0 { words.append("flagged") }
        return words
    }

    /// The card object of docs/json.md with the local field `buried` (true while the card is
    /// buried today); `suspended` and `flag` are already part of it.
    static func json(_ card: CardRecord, reviews: [RecallModel.Review]?, today: Int) -> JSONValue {
        let object = CardJSON.object(card, reviews: reviews)
        guard case .object(var members) = object else { return object }
        members["buried"] = .bool(isBuried(card, today: today))
        return .object(members)
    }
}
