import ArgumentParser
import Foundation
import RecallStore
import RecallSync
import RecallTerminal

/// `recall export`: decks as a JSON deck file, to move them to another machine or share them.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export decks as a JSON deck file (format: docs/json.md, \"Deck files\").",
        discussion: """
            Writes every deck, or the --deck ones with their sub-decks, with each card's text, \
            schedule and review history, and the deletions sync passes on. The layout is stable \
            (keys sorted, cards by id, one review per line), so two exports diff cleanly. \
            `recall import FILE.json` reads it back; --no-history leaves out schedules and \
            reviews, for sharing a deck with other people.
            Examples:
              recall export -o backup.json
              recall export --deck 'Python interview' --no-history -o python.json
              recall export | gzip > recall.json.gz
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(name: .customLong("deck"), help: ArgumentHelp(
        "Export only this deck and its sub-decks; repeat for several.", valueName: "name"))
    var decks: [String] = []

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "Write to this file (replaced atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Leave out each card's state and review history.")
    var noHistory = false

    func run() throws {
        let context = try Context(storeOptions, bundledDeck: false)
        let selection = DeckExporter.Selection(decks: decks, history: !noHistory)
        guard let output else {
            try DeckExporter.export(context.store, selection, toDescriptor: FileHandle.standardOutput.fileDescriptor,
                                    name: "standard output")
            return
        }
        let counts = try DeckExporter.export(context.store, selection, toFile: output)
        Output.line("exported \(counts.cards) \(counts.cards == 1 ? "card" : "cards") in \(counts.decks) "
            + "\(counts.decks == 1 ? "deck" : "decks")" + (noHistory ? "" : " with \(counts.reviews) \(counts.reviews == 1 ? "review" : "reviews")")
            + " to \(Sanitizer.sanitize(output))")
    }
}
