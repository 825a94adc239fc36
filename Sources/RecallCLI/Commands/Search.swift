import ArgumentParser
import RecallStore

/// `recall search`: full-text search.
struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find cards whose front, back or tags contain all the words.",
        discussion: """
            Words are matched whole, without regard to case or accents; any text is a valid query, \
            including words that start with a dash. Only --db, --deck, --json and --help are options.
            Examples:
              recall search garbage collector
              recall search --deck Python decorator
              recall search 'c++' --json
              recall search -gil
            """)

    @OptionGroup var storeOptions: StoreOptions

    /// Everything that is not one of the command's options is a word of the query, so that a
    /// query may start with `-` (`recall search -gil`) without `--`.
    @Argument(parsing: .allUnrecognized, help: "Words to look for.")
    var query: [String]

    func validate() throws {
        if withoutTerminator(query).isEmpty { throw ValidationError("give the words to look for") }
    }

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    @Option(help: ArgumentHelp("Only cards of this deck (and its sub-decks).", valueName: "deck"))
    var deck: String?

    func run() throws {
        let context = try Context(storeOptions)
        let cards = try context.store.search(withoutTerminator(query).joined(separator: " "), deck: deck)
        if cards.isEmpty && !json {
            Output.line("no cards match")
            return
        }
        try CardTable.print(cards, context: context, json: json)
    }
}
