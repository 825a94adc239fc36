import RecallTerminal
import ArgumentParser

/// `recall deck rename`.
struct DeckRename: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename a deck (and its sub-decks).",
        discussion: """
            OLD may also be a name that only groups sub-decks (`lang` when the decks are \
            `lang::go` and `lang::rust`): its sub-decks are renamed (`x::go`, `x::rust`).
            Example:
              recall deck rename 'Python interview' Python
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The deck's name now.")
    var old: String

    @Argument(help: "Its new name.")
    var new: String

    func run() throws {
        let context = try Context(storeOptions)
        try context.store.write { try context.store.renameDeck(old, to: new, now: context.now) }
        Output.line("renamed deck \"\(Sanitizer.sanitize(old))\" to \"\(Sanitizer.sanitize(new))\"")
    }
}
