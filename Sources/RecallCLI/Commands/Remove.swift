import ArgumentParser
import RecallStore

/// `recall rm`: delete cards.
struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Delete cards (with their history). All or nothing: an unknown id deletes none.",
        discussion: "Deleted cards stay in the trash for 30 days: `recall trash` lists them, `recall restore ID` brings one back.\nExample:\n  recall rm 12 13")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Card ids.")
    var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one card id") }
        try validateCardIDs(ids)
    }

    func run() throws {
        let cardIDs = try parseCardIDs(ids)
        let context = try Context(storeOptions)
        _ = try context.store.write { try context.store.moveToTrash(cards: cardIDs, reason: "recall rm", now: context.now) }
        Output.line("deleted \(cardIDs.count == 1 ? "card" : "cards") \(cardIDs.map(String.init).joined(separator: " "))")
    }
}
