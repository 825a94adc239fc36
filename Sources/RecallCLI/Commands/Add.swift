import ArgumentParser
import RecallStore

/// `recall add`: one card typed on the command line.
struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add a card and print its id.",
        discussion: """
            Examples:
              recall add --deck Python --front 'What does `is` compare?' --back 'Identity.'
              recall add --deck Spanish --front perro --back dog --reversed --tag animals
              recall add --front 'Explain the GIL' --back - < answer.md
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "The deck (created if missing; `parent::child` nests).")
    var deck: String = "Default"

    @Option(help: "The question (Markdown); `-` reads it from standard input.")
    var front: String

    @Option(help: "The answer (Markdown); `-` reads it from standard input.")
    var back: String

    @Option(name: .customLong("tag"), help: "A tag; repeat for several.")
    var tags: [String] = []

    @Flag(help: "Also make the reversed card (back → front).")
    var reversed = false

    func validate() throws {
        if front == "-" && back == "-" { throw ValidationError("only one of --front and --back can be read from standard input") }
    }

    func run() throws {
        let front = self.front == "-" ? StandardInput.readAll() : self.front
        let back = self.back == "-" ? StandardInput.readAll() : self.back
        guard !front.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CLIError.emptyField("front") }
        guard !back.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CLIError.emptyField("back") }
        let context = try Context(storeOptions)
        let ids = try context.store.write {
            try context.store.addNote(
                deck: deck, kind: reversed ? .reversed : .basic, front: front, back: back, tags: tags,
                ordinals: reversed ? [1, 2] : [1], now: context.now)
        }
        Output.line(ids.map(String.init).joined(separator: " "))
    }
}
