import ArgumentParser
import RecallStore

/// `recall init`: create the store.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the store (with the bundled Python interview deck unless --empty).",
        discussion: """
            Any command creates the store on first use; init does it explicitly and says where. \
            A zero-length file at the store's path is made a new store only by init (any other \
            command refuses it: it may be a store that lost its content).
            Examples:
              recall init
              recall init --empty --db ~/decks/work.sqlite
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Create the store without the bundled deck.")
    var empty = false

    func run() throws {
        let context = try Context(storeOptions, bundledDeck: !empty, initialisingEmpty: true)
        if context.store.isNew {
            Output.line("created \(context.store.path)")
        } else {
            Output.line("\(context.store.path) already exists; nothing changed")
        }
    }
}
