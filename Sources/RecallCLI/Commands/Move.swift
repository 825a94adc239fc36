import ArgumentParser
import RecallStore

/// `recall move`: put cards in another deck.
struct Move: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move cards to another deck (created if missing).",
        discussion: """
            The cards keep their history; their schedule follows the new deck's options. A sync
            merges the move apart from edits and suspensions made on other machines.

            Example:
              recall move 12 13 --deck "Python interview::Hard"
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The deck to move the cards to (`parent::child` nests).")
    var deck: String

    @Argument(help: "Card ids.")
    var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one card id") }
        try validateCardIDs(ids)
    }

    func run() throws {
        let cardIDs = try parseCardIDs(ids)
        let context = try Context(storeOptions)
        let store = context.store
        let changed = try store.write {
            let changed = try store.moveCards(cardIDs, toDeck: deck, now: context.now)
            // Their schedules follow the new deck's options (DESIGN.md invariant 1).
            if !changed.isEmpty { _ = try store.checkReplay(timeZone: context.clock.timeZone, fix: true, only: changed) }
            return changed
        }
        for id in cardIDs {
            Output.line(changed.contains(id) ? "card \(id) moved to \(deck)" : "card \(id) was already in \(deck)")
        }
    }
}
