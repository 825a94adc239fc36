import ArgumentParser
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync

/// `recall undo`: take back the last answer.
struct Undo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take back the last answer given in this store (repeatable).",
        discussion: """
            Restores the card exactly as it was and removes the answer from the review log. An answer \
            that `recall sync` or `recall export` (with history) already wrote to a deck file is refused: \
            the next sync would bring it back.
            Example:
              recall undo
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func run() throws {
        let context = try Context(storeOptions)
        guard let undone = try context.store.write({ try context.store.undoLastAnswer() }) else {
            throw CLIError.message("nothing to undo")
        }
        if json {
            Output.json(.object([
                "card": .int(undone.cardID), "rating": .int(Int64(undone.rating.rawValue)),
                "state": CardJSON.state(undone.restored),
            ]))
        } else {
            Output.line("undid \(undone.rating.name) on card \(undone.cardID)")
        }
    }
}
