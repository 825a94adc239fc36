import ArgumentParser
import Foundation
import RecallAnki
import RecallImport
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync

/// `recall import`: question banks become cards; importing again keeps progress.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import question banks (Markdown, CSV/TSV) and Anki packages as cards; re-import keeps progress.",
        discussion: """
            A folder imports every Markdown, CSV and TSV file below it. The deck is --deck, else \
            the file name (sub-folders give parent::child). Importing an edited bank again updates \
            cards in place: a card keeps its id and history when its answer or its question \
            changes (not both). Cards whose source disappeared are reported; --prune deletes them \
            (to the trash: `recall trash`, `recall restore`), but refuses without --yes when a bank \
            is now empty or more than 50 cards with review history would go. \
            One import is one transaction. Card syntax: docs/cards.md. A file written by \
            `recall export` (any *.json file is read as one) is merged instead: cards by id, \
            reviews by id, schedules replayed; deck files of 2 GB or more are refused unless \
            --max-file-size allows them.
            Examples:
              recall import python-interview.md
              recall import ~/banks --dry-run
              recall import deck.tsv --deck Spanish --prune --json
              recall import backup.json
              recall import big-backup.json --max-file-size 400MB
            An Anki package (.apkg deck, .colpkg collection) brings its notes, cards, decks, tags, \
            review history, schedules, deck options and media (docs/anki.md); --deck puts its decks \
            under a prefix, and importing a newer version updates the cards in place by Anki's GUIDs.
              recall import japanese.apkg --deck Anki --dry-run
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

    @Flag(help: "With --prune: go ahead even when the bank is now empty or more than 50 cards with history would go.")
    var yes = false

    @Flag(help: "Print the summary as JSON (see docs/json.md).")
    var json = false

    @OptionGroup var deckFileOptions: DeckFileOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("give at least one file or folder") }
    }

    func run() throws {
        let packages = paths.filter(AnkiImporter.isPackagePath)
        guard packages.isEmpty else {
            guard packages.count == paths.count else {
                throw CLIError.message("import Anki packages on their own, not together with other files")
            }
            try importAnkiPackages(packages)
            return
        }
        let deckFiles = paths.filter(DeckReader.isDeckFilePath)
        guard deckFiles.isEmpty else {
            guard deckFiles.count == paths.count else {
                throw CLIError.message("import recall-deck JSON files on their own, not together with question banks")
            }
            try importDeckFiles(deckFiles)
            return
        }
        if deckFileOptions.maxFileSize != nil {
            throw CLIError.message("--max-file-size applies to recall-deck JSON files, not to question banks")
        }
        if let deck { try Store.checkDeckName(deck) }
        var phases = PhaseTimer(environment: ProcessInfo.processInfo.environment)
        var importRun = ImportRun()
        importRun.pruneConfirmed = yes
        if paths.count == 1, !dryRun {
            importRun.fingerprint = ImportFingerprint.Input(path: paths[0], deck: deck, prune: prune)
            phases.mark("fingerprint")
            // An unchanged bank whose notes are as the last import left them: its outcome is known.
            var quick = importRun
            if let outcome = try { () throws -> ImportRun.Outcome? in
                // Only a store that exists can hold a fingerprint; bad input must not create one.
                let store = Store.resolvePath(option: storeOptions.db, environment: ProcessInfo.processInfo.environment)
                guard quick.fingerprint != nil, FileManager.default.fileExists(atPath: store) else { return nil }
                let context = try Context(storeOptions)
                return try quick.unchangedOutcome(store: context.store, deck: deck)
            }() {
                phases.mark("unchanged: settled without reading the file")
                ImportSummary(run: quick, outcome: outcome, pruned: prune, dryRun: false).print(json: json)
                withExtendedLifetime((quick, outcome)) { Foundation.exit(0) }
            }
        }
        for path in paths { try importRun.read(path: path, deck: deck) }
        phases.mark("read and parse")
        let hashing = ContentHashing(importRun.drafts)  // meanwhile, on another thread
        let outcome = try {
            let context = try Context(storeOptions)  // closed (and checkpointed) before the summary
            phases.mark("open store")
            return try importRun.apply(to: context.store, now: context.now, prune: prune, dryRun: dryRun, phases: &phases,
                                       hashing: hashing)
        }()
        ImportSummary(run: importRun, outcome: outcome, pruned: prune && !dryRun, dryRun: dryRun).print(json: json)
        phases.mark("summary")
        // A large bank leaves hundreds of thousands of strings behind; freeing them one by one
        // only to exit costs tens of milliseconds. The store is closed and the output written.
        withExtendedLifetime((importRun, outcome)) { Foundation.exit(0) }
    }

    /// `recall export` files: cards matched by id, reviews merged by id, every touched card
    /// replayed from its whole log (docs/json.md, "Deck files"). All files in one transaction.
    private func importDeckFiles(_ files: [String]) throws {
        if deck != nil || prune || dryRun {
            throw CLIError.message("--deck, --prune and --dry-run apply to question banks, not to recall-deck JSON files")
        }
        var phases = PhaseTimer(environment: ProcessInfo.processInfo.environment)
        // Each file is read and checked whole before the store is opened, keeping only what ties
        // its cards together and where they are; the merge reads them again a chunk at a time
        // (`DeckFileStream`): memory for the cards in hand, not for the files.
        let now = try Clock.fromEnvironment(ProcessInfo.processInfo.environment).now
        var sources: [DeckFileStream] = []
        let opened = DeckFileStream.openAll(files.map { ($0, nil) }, sizeLimit: deckFileOptions.sizeLimit, now: now)
        for (file, result) in zip(files, opened) {
            let (stream, future) = try result.get()
            if let warning = future.warning(file: file) { Output.warning(warning) }
            sources.append(stream)
        }
        phases.mark("read and check")
        // A store made by this import stays without the bundled deck, so that export → import
        // into an empty store → export gives the same file.
        let context = try Context(storeOptions, bundledDeck: false)
        for (index, file) in files.enumerated() where !sources[index].media.isEmpty {
            for warning in MediaTransfer.copyIn(sources[index].media, from: MediaTransfer.folder(besideDeckFile: file),
                                                into: context.store, source: file) {
                Output.warning(warning)
            }
        }
        var mediaWarnings: [String] = []
        let report = try DeckMerge.write(context.store, merging: sources) {
            for (index, file) in files.enumerated() where !sources[index].media.isEmpty {
                mediaWarnings += try MediaTransfer.record(sources[index].media, in: context.store, now: context.now, source: file)
            }
            let reason = "recall import: a deletion in " + files.map { ($0 as NSString).lastPathComponent }.joined(separator: ", ")
            let report = try DeckMerge.merge(sources: sources, into: context.store, timeZone: context.clock.timeZone,
                                             trash: (reason: reason, now: context.now)) { phases.mark($0) }
            // A file changed since it was checked: nothing of this import is kept.
            for source in sources { try source.checkUnchanged() }
            return report
        }
        phases.mark("commit")
        mediaWarnings.forEach(Output.warning)
        if json {
            // docs/json.md, "Import summary": counts by name, and the line the text output prints.
            Output.json(.object([
                "cards_added": .int(Int64(report.cardsAdded)), "cards_updated": .int(Int64(report.cardsUpdated)),
                "cards_deleted": .int(Int64(report.cardsDeleted)), "cards_trashed": .int(Int64(report.cardsTrashed)),
                "reviews_added": .int(Int64(report.reviewsAdded)),
                "decks_added": .int(Int64(report.decksAdded)), "decks_updated": .int(Int64(report.decksUpdated)),
                "decks_deleted": .int(Int64(report.decksDeleted)), "summary": .string(report.summary),
            ]))
        } else {
            Output.line(report.summary)
            if report.cardsTrashed > 0 { Output.line(TrashNotice.line(report.cardsTrashed)) }
        }
    }
}
