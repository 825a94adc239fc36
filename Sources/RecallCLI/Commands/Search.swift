import ArgumentParser
import RecallStore

/// `recall search`: full-text search.
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find cards whose front, back or tags contain all the words.",
        discussion: """
            Words are matched whole, without regard to case or accents; any text is a valid query.
            Examples:
              recall search garbage collector
              recall search 'c++' --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Words to look for.")
    var query: [String]

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func run() throws {
        let context = try Context(storeOptions)
        let cards = try context.store.search(query.joined(separator: " "))
        if cards.isEmpty && !json {
            Output.line("no cards match")
            return
        }
        try CardTable.print(cards, context: context, json: json)
    }
}
