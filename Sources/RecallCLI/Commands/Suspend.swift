import ArgumentParser
import RecallStore

/// `recall suspend`: keep cards out of review until unsuspended.
struct Suspend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Suspend cards: they are never shown until unsuspended.",
        discussion: "Example:\n  recall suspend 12 13")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Card ids.")
    var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one card id") }
        try validateCardIDs(ids)
    }

    func run() throws {
        try SuspensionChange.apply(ids: ids, suspended: true, options: storeOptions)
    }
}

/// Shared by `suspend` and `unsuspend`.
enum SuspensionChange {
    static func apply(ids: [String], suspended: Bool, options: StoreOptions) throws {
        let cardIDs = try parseCardIDs(ids)
        let context = try Context(options)
        let changed = try context.store.write { try context.store.setSuspended(cardIDs, suspended, now: context.now) }
        let verb = suspended ? "suspended" : "unsuspended"
        for id in cardIDs {
            Output.line(changed.contains(id) ? "card \(id) \(verb)" : "card \(id) was already \(verb)")
        }
    }
}
