import RecallTerminal
import ArgumentParser
import RecallSync

/// `recall decks`: each deck with what is left to study today.
struct Decks: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List decks with their new, learning, due and total counts.")

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func run() throws {
        let context = try Context(storeOptions)
        let summaries = try context.store.deckSummaries(now: context.now, today: try context.today, endOfToday: try context.endOfToday)
        if json {
            Output.json(.array(summaries.map { summary in
                .object([
                    "name": .string(summary.name), "new": .int(Int64(summary.new)),
                    "learning": .int(Int64(summary.learning)), "due": .int(Int64(summary.due)),
                    "total": .int(Int64(summary.total)), "suspended": .int(Int64(summary.suspended)),
                ])
            }))
            return
        }
        if summaries.isEmpty {
            Output.line("no decks yet: add a card with `recall add` or import a bank with `recall import`")
            return
        }
        let width = max(4, summaries.map { Sanitizer.sanitize($0.name).count }.max() ?? 4)
        Output.line(Output.column("Deck", width) + "    New  Learn    Due  Total")
        for summary in summaries {
            Output.line(
                Output.column(Sanitizer.sanitize(summary.name), width)
                    + Output.column(String(summary.new), 7, right: true)
                    + Output.column(String(summary.learning), 7, right: true)
                    + Output.column(String(summary.due), 7, right: true)
                    + Output.column(String(summary.total), 7, right: true))
        }
    }
}
