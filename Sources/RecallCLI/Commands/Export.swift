import ArgumentParser
import Foundation
import RecallAnki
import RecallImport
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
            With --anki FILE.apkg, writes an Anki package instead: every note, card, deck, tag, \
            review and FSRS memory state, and the media the cards show, for Anki, AnkiDroid and \
            AnkiMobile to import (File > Import, keeping scheduling). With --no-history the cards \
            arrive as new cards.
            Examples:
              recall export -o backup.json
              recall export --anki python.apkg --deck 'Python interview'
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

    @Option(name: .customLong("anki"), help: ArgumentHelp(
        "Write an Anki package (.apkg) to this file, replaced atomically.", valueName: "file.apkg"))
    var anki: String?

    @Flag(help: "Leave out each card's state and review history.")
    var noHistory = false

    func validate() throws {
        if anki != nil && output != nil { throw ValidationError("give either --anki or --output, not both") }
    }

    func run() throws {
        let context = try Context(storeOptions, bundledDeck: false)
        if let anki {
            try exportAnki(context, to: anki)
            return
        }
        var selection = DeckExporter.Selection(decks: decks, history: !noHistory)
        if let output { try Self.checkTarget(output, store: context.store.path) }
        // Decided before anything is written: a read-only store cannot record which answers the
        // export published (what keeps `undo` from taking back an answer a peer already has),
        // so it exports without recording, says so, and exits 0: the file was written.
        if context.store.isReadOnly && selection.history {
            selection.recordsPublished = false
            Output.warning("the store is read-only, so answers in this export stay undoable here; "
                + "do not undo them if the file reaches another store")
        }
        guard let output else {
            let counts = try DeckExporter.export(
                context.store, selection, toDescriptor: FileHandle.standardOutput.fileDescriptor, name: "standard output")
            if !counts.media.isEmpty {
                Output.warning("the cards use \(counts.media.count) media \(counts.media.count == 1 ? "file" : "files"), "
                    + "listed in the export but not written: export with -o FILE to write them into media/ beside it")
            }
            return
        }
        let counts = try DeckExporter.export(context.store, selection, toFile: output)
        // The files the list names, beside the deck file; those already there (an earlier export) stay.
        let mediaFolder = MediaTransfer.folder(besideDeckFile: output)
        try MediaTransfer.copyOut(counts.media, from: context.store, to: mediaFolder)
        Output.line("exported \(counts.cards) \(counts.cards == 1 ? "card" : "cards") in \(counts.decks) "
            + "\(counts.decks == 1 ? "deck" : "decks")" + (noHistory ? "" : " with \(counts.reviews) \(counts.reviews == 1 ? "review" : "reviews")")
            + " to \(Sanitizer.sanitize(output))"
            + (counts.media.isEmpty ? "" : ", and \(counts.media.count) media \(counts.media.count == 1 ? "file" : "files") to "
                + Sanitizer.sanitize(mediaFolder)))
    }

    /// `--anki FILE.apkg`: the selected decks as an Anki package (RecallAnki's `StoreToAnki`).
    private func exportAnki(_ context: Context, to path: String) throws {
        try Self.checkTarget(path, store: context.store.path)
        let export: StoreToAnki
        var phases = PhaseTimer(environment: context.environment)
        do {
            export = try StoreToAnki(
                store: context.store, selection: StoreToAnki.Selection(decks: decks, history: !noHistory),
                now: context.now, timeZone: context.clock.timeZone, clozeText: CardFace.ankiClozeText)
            phases.mark("read the store into a collection")
            try export.write(to: path)
            phases.mark("write the package")
        } catch let error as AnkiWriteError {
            throw CLIError.message(error.description)
        }
        let counts = export.counts
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        Output.line("exported " + count(counts.notes, "note", "notes") + ", " + count(counts.cards, "card", "cards") + ", "
            + count(counts.reviews, "review", "reviews") + ", " + count(counts.media, "media file", "media files")
            + " to \(Sanitizer.sanitize(path))")
    }

    /// Refuses an output that is the store itself (or one of its `-wal`/`-shm` files), or any
    /// other SQLite database: an export replaces its target with JSON.
    static func checkTarget(_ output: String, store: String) throws {
        for file in [store, store + "-wal", store + "-shm"] where Store.sameFile(output, file) == true {
            throw CLIError.message("\(output) is the store itself; refusing to replace it with the export (give another file)")
        }
        guard let handle = FileHandle(forReadingAtPath: output) else { return }
        defer { try? handle.close() }
        if (try? handle.read(upToCount: 16)) == Data("SQLite format 3\u{0}".utf8) {
            throw CLIError.message("\(output) is a SQLite database; refusing to replace it with the export (give another file)")
        }
    }
}
