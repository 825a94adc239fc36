import ArgumentParser
import RecallModel
import RecallScheduler
import RecallStore

/// `recall config`: scheduler options, store-wide or per deck.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or set scheduling options (store-wide, or for one deck with --deck).",
        discussion: """
            With no KEY, lists every option with its value. With KEY, prints its value; with KEY \
            VALUE, sets it (validated). A deck inherits the store-wide value unless it sets its own; \
            --unset removes a setting. Changing an option reschedules the affected cards from \
            their review logs. A VALUE may start with a dash (a negative number) without `--`; \
            a VALUE given as several words is one value with spaces.
            Algorithms: fsrs (FSRS-6, default) and sm2 both follow Anki's scheduler: learning             steps fuzzed and due at the day rollover when they reach past it, SM-2 ease in whole             thousandths. One rule is recall's own: on an early review (before the due day) Good             is at least a day longer than Hard and Easy at least a day longer than Good, so a             Good on the day a card graduated with 1 day gives 2 days where Anki gives 1.
            Examples:
              recall config
              recall config --deck 'Python interview' desired_retention 0.85
              recall config learning_steps '1m 10m 1h'
              recall config --deck 'Python interview' --unset desired_retention
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: ArgumentHelp(
        "The deck to configure (default: the whole store).",
        discussion: """
            Options belong to one deck: a sub-deck does not take its parent's, so this sets \
            nothing on sub-decks. A name that only groups sub-decks (`lang` when the decks are \
            `lang::go` and `lang::rust`) has no options of its own and is refused; configure \
            each sub-deck instead.
            """))
    var deck: String?

    @Flag(help: "Remove the setting, going back to the inherited value.")
    var unset = false

    @Argument(help: "The option name.")
    var key: String?

    /// Every input that is not one of the command's options: the words of VALUE. Captured this
    /// way so that a value starting with `-` is a value rather than an unknown option.
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Its new value.", valueName: "value"))
    var words: [String] = []

    /// VALUE: the words after KEY, joined by spaces (`learning_steps 1m 10m` is `'1m 10m'`).
    var value: String? {
        let words = withoutTerminator(words)
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    func validate() throws {
        if key == nil, let first = withoutTerminator(words).first { throw ValidationError("Unknown option '\(first)'") }
        if unset && (key == nil || value != nil) { throw ValidationError("--unset takes a KEY and no VALUE") }
    }

    func run() throws {
        let context = try Context(storeOptions)
        var deckID: Int64?
        if let deck {
            try Store.checkDeckName(deck)
            deckID = try context.store.requireDeck(named: deck).id
        }
        guard let key else {
            // Name, value and what it does, aligned; a value set for the store or this deck
            // (rather than recall's default) says so, so a listing shows what was changed.
            let options = try context.store.options(forDeckID: deckID)
            let storeSet = try context.store.storeOverrides()
            let deckSet = try deck.map { try context.store.deckOverrides(context.store.requireDeck(named: $0)) } ?? [:]
            let width = SchedulerOptions.keys.map(\.name.count).max() ?? 20
            let values = try SchedulerOptions.keys.map { try options.value(forKey: $0.name) }
            let valueWidth = min(values.map(\.count).filter { $0 <= 24 }.max() ?? 12, 24)
            for (entry, value) in zip(SchedulerOptions.keys, values) {
                let origin = deckSet[entry.name] != nil ? "[this deck] " : storeSet[entry.name] != nil ? "[store] " : ""
                Output.line(Output.column(entry.name, width) + "  " + Output.column(value, valueWidth) + "  # " + origin + entry.summary)
            }
            return
        }
        if value == nil && !unset {
            Output.line(try context.store.options(forDeckID: deckID).value(forKey: key))
            return
        }
        let shown = try context.store.write {
            let shown = try context.store.setOption(key, to: value, deck: deck, now: context.now)
            try context.store.forgetKeptDueDates()  // a changed option reschedules every card
            _ = try context.store.checkReplay(timeZone: context.clock.timeZone, fix: true)
            return shown
        }
        Output.line("\(key.lowercased()) = \(shown)" + (deck.map { " for deck \"\($0)\"" } ?? ""))
    }
}
