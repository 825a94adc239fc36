import RecallTerminal
import ArgumentParser

/// `recall deck delete`.
struct DeckDelete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a deck with all its cards and their history.",
        discussion: "Example:\n  recall deck delete Scratch")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The deck's name.")
    var name: String

    func run() throws {
        let context = try Context(storeOptions)
        let count = try context.store.write { try context.store.deleteDeck(name, now: context.now) }
        Output.line("deleted deck \"\(Sanitizer.sanitize(name))\" and its \(count) \(count == 1 ? "card" : "cards")")
    }
}
