import ArgumentParser

/// `recall deck`: operations on whole decks.
struct DeckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deck",
        abstract: "Rename or delete a deck.",
        subcommands: [DeckRename.self, DeckDelete.self])
}
