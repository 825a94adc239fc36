import ArgumentParser
import Foundation
import RecallStore
import RecallSync
import RecallTerminal

/// `recall sync DIR`: merge with the other stores that share a folder.
struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sync with other stores through a shared folder (git, Syncthing, Dropbox).",
        discussion: """
            Each store keeps its own deck file in the folder, named after its device id, and \
            reads the others': reviews are merged (none lost, none twice), the newest edit of a \
            card or deck wins, deletions win over older edits, and schedules are replayed from \
            the merged logs. The merge is one transaction; a file that is not a valid deck file \
            or is being written is skipped with a warning. Then this store's file is rewritten \
            atomically. Stores that have all synced twice hold the same cards. Deck files of \
            2 GB or more are skipped with a warning unless --max-file-size allows them.
            Examples:
              recall sync ~/Sync/recall
              recall sync ~/Sync/recall --max-file-size 500MB
              recall sync ~/notes/flashcards && git -C ~/notes commit -am 'recall sync' && git -C ~/notes push
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("The shared folder (created if missing).", valueName: "folder"))
    var folder: String

    @OptionGroup var deckFileOptions: DeckFileOptions

    func run() throws {
        var phases = PhaseTimer(environment: ProcessInfo.processInfo.environment)
        let context = try Context(storeOptions, bundledDeck: false)
        let outcome = try FolderSync.sync(
            store: context.store, folder: folder, timeZone: context.clock.timeZone, now: context.now, sizeLimit: deckFileOptions.sizeLimit
        ) { phases.mark($0) }
        for warning in outcome.warnings { Output.warning(warning) }
        if outcome.upToDate {
            Output.line("up to date: nothing changed here or in \(Sanitizer.sanitize(folder)) since the last sync")
            return
        }
        let files = outcome.merged.count
        Output.line("merged \(files) \(files == 1 ? "file" : "files"): \(outcome.report.summary)")
        if outcome.report.cardsTrashed > 0 { Output.line(TrashNotice.line(outcome.report.cardsTrashed)) }
        Output.line((outcome.wroteOwnFile ? "wrote " : "unchanged: ") + Sanitizer.sanitize(outcome.ownFile))
    }
}
