import ArgumentParser
import Foundation
import RecallStore
import RecallTerminal

/// `recall backup`: a consistent copy of the store, on demand.
struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store to a backup file (SQLite's online backup: consistent while recall runs).",
        discussion: """
            Without FILE the copy goes to the store's backup folder, STORE.backups/ beside the \
            store, which also holds the automatic backups: one before the first change of each \
            day and one before each schema upgrade; the newest 7 are kept. \
            `recall restore --backup FILE` puts one back.
            Examples:
              recall backup
              recall backup ~/safe/recall-2026-11-25.sqlite
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: ArgumentHelp("Where to write the copy (replaced if it exists and is a recall store).", valueName: "file"))
    var file: String?

    func run() throws {
        let context = try Context(storeOptions, bundledDeck: false)
        let store = context.store
        let written: String
        if let file {
            if Store.sameFile(file, store.path) == true {
                throw CLIError.message("\(file) is the store itself; give another file")
            }
            if FileManager.default.fileExists(atPath: file) {
                // Replace only an earlier backup, never some other file.
                do {
                    _ = try Store.inspectBackupTarget(file)
                } catch {
                    throw CLIError.message("\(file) exists and is not a recall store; refusing to replace it")
                }
            }
            try store.backUp(to: file)
            written = file
        } else {
            written = try store.backUp(reason: "manual")
        }
        Output.line("backed up \(store.path) to \(Sanitizer.sanitize(written, keepNewlines: false))")
    }
}
