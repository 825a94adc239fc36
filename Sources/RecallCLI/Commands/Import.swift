import ArgumentParser
import Foundation
import RecallImport
import RecallScheduler
import RecallStore

/// `recall import`: question banks become cards; importing again keeps progress.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import question banks (Markdown, CSV/TSV) as cards; re-import keeps progress.",
        discussion: """
            A folder imports every Markdown, CSV and TSV file below it. The deck is --deck, else \
            the file name (sub-folders give parent::child). Importing an edited bank again updates \
            cards in place: a card keeps its id and history when its answer or its question \
            changes (not both). Cards whose source disappeared are reported; --prune deletes them. \
            One import is one transaction. Card syntax: docs/cards.md.
            Examples:
              recall import python-interview.md
              recall import ~/banks --dry-run
              recall import deck.tsv --deck Spanish --prune --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Files or folders to import.")
    var paths: [String]

    @Option(help: "Put every card in this deck (default: from the file name).")
    var deck: String?

    @Flag(help: "Show what would happen; change nothing.")
    var dryRun = false

    @Flag(help: "Delete cards whose question and answer are gone from the source.")
    var prune = false

    @Flag(help: "Print the summary as JSON (see docs/json.md).")
    var json = false

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
    }

    func run() throws {
        var phases = PhaseTimer(environment: ProcessInfo.processInfo.environment)
        var importRun = ImportRun()
        for path in paths { try importRun.read(path: path, deck: deck) }
        phases.mark("read and parse")
        let context = try Context(storeOptions)
        let outcome = try importRun.apply(to: context.store, now: context.now, prune: prune, dryRun: dryRun, phases: &phases)
        ImportSummary(run: importRun, outcome: outcome, pruned: prune && !dryRun, dryRun: dryRun).print(json: json)
        phases.mark("summary")
    }
}
