import ArgumentParser
import RecallStore

/// `recall init`: create the store.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the store (with the bundled Python interview deck unless --empty).",
        discussion: """
            Any command creates the store on first use; init does it explicitly and says where.
            Examples:
              recall init
              recall init --empty --db ~/decks/work.sqlite
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Create the store without the bundled deck.")
    var empty = false

    func run() throws {
        let context = try Context(storeOptions, bundledDeck: !empty)
        if context.store.isNew {
            Output.line("created \(context.store.path)")
        } else {
            Output.line("\(context.store.path) already exists; nothing changed")
        }
    }
}
