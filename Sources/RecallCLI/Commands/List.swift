import ArgumentParser
import RecallStore
import RecallSync

/// `recall list`: cards, one per line, or as JSON.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List cards.",
        discussion: """
            Examples:
              recall list --deck 'Python interview'
              recall list --due --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Only this deck (and its sub-decks).")
    var deck: String?

    @Flag(help: "Only cards due now (learning) or today (review), not suspended.")
    var due = false

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func run() throws {
        let context = try Context(storeOptions)
        if let deck, try context.store.decks(under: deck).isEmpty { throw StoreError.deckNotFound(deck) }
        let cards = try context.store.cards(deck: deck, dueBy: due ? (context.now, try context.endOfToday) : nil)
        try CardTable.print(cards, context: context, json: json)
    }
}

/// The listing shared by `list` and `search`.
enum CardTable {
    static func print(_ cards: [CardRecord], context: Context, json: Bool) throws {
        let today = try context.today
        if json {
            let reviews = try context.store.reviewsByCard(cards.map(\.id))
            Output.json(.array(cards.map { CardStatus.json($0, reviews: reviews[$0.id] ?? [], today: today) }))
            return
        }
        let idWidth = max(2, cards.map { String($0.id).count }.max() ?? 2)
        for card in cards {
            let due: String
            switch card.state.phase {
            case .new: due = "new"
            default: due = card.state.due.map { Output.localTime($0, zone: context.clock.timeZone) } ?? "-"
            }
            let words = CardStatus.words(card, today: today)
            let status = words.isEmpty ? "" : " (" + words.joined(separator: ", ") + ")"
            Output.line(
                Output.column(String(card.id), idWidth, right: true) + "  "
                    + Output.column(Output.summary(card.deck, width: 20), 20) + "  "
                    + Output.column(due, 16) + "  " + Output.summary(card.front, width: 60) + status)
        }
    }
}
