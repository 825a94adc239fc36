import ArgumentParser
import Foundation
import RecallStore

/// `recall edit`: change a card's text, from flags or in `$EDITOR`.
struct Edit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Edit a card's front, back or tags.",
        discussion: """
            With no flags, opens $VISUAL or $EDITOR (else vi) on the card; save and quit to keep \
            the change, or leave the file unchanged to cancel.
            Examples:
              recall edit 42 --back 'A mutex that lets one thread run Python bytecode at a time.'
              recall edit 42 --tags python,concurrency
              recall edit 42
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The card id.")
    var id: String

    @Option(help: "New question (Markdown).")
    var front: String?

    @Option(help: "New answer (Markdown).")
    var back: String?

    @Option(help: "New tags, comma-separated (replaces the old ones; empty clears them).")
    var tags: String?

    func validate() throws {
        try validateCardIDs([id])
    }

    func run() throws {
        let cardID = try parseCardID(id)
        let context = try Context(storeOptions)
        let card = try context.store.requireCard(cardID)
        var newFront = front, newBack = back
        var newTags = tags.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
        if front == nil && back == nil && tags == nil {
            guard let edited = try EditorSession(environment: context.environment).edit(card) else {
                Output.line("card \(cardID) unchanged")
                return
            }
            (newFront, newBack, newTags) = (edited.front, edited.back, edited.tags)
        }
        if let newFront, newFront.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw CLIError.emptyField("front") }
        if let newBack, newBack.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw CLIError.emptyField("back") }
        let changed = try context.store.write {
            try context.store.editNote(ofCard: cardID, front: newFront, back: newBack, tags: newTags, now: context.now)
        }
        Output.line(changed ? "card \(cardID) updated" : "card \(cardID) unchanged")
    }
}
