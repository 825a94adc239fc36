import ArgumentParser
import Foundation
import RecallStore
import RecallTerminal

/// `recall restore`: cards back from the trash, or the whole store back from a backup.
struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring deleted cards back from the trash, or put a backup back as the store.",
        discussion: """
            A card comes back with its id, its note, its deck (made again if it was deleted) and \
            its whole review history; the next sync passes it on as newer than its deletion. \
            --backup FILE replaces the store's whole content with a backup (from \
            `recall backup`, or the automatic ones in STORE.backups/) after checking that the \
            file is a recall store; the store as it was is backed up first.
            Examples:
              recall restore 12 13
              recall restore --all
              recall restore --backup ~/.local/share/recall/recall.sqlite.backups/2026-11-25T120000Z-daily.sqlite
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Ids of cards in the trash (see `recall trash`).")
    var ids: [String] = []

    @Flag(help: "Restore every card in the trash.")
    var all = false

    @Option(help: ArgumentHelp("Put this backup back as the store's content.", valueName: "file"))
    var backup: String?

    func validate() throws {
        let modes = (ids.isEmpty ? 0 : 1) + (all ? 1 : 0) + (backup == nil ? 0 : 1)
        if modes == 0 { throw ValidationError("give card ids, --all, or --backup FILE") }
        if modes > 1 { throw ValidationError("give card ids, --all or --backup FILE, not several") }
        try validateCardIDs(ids)
    }

    func run() throws {
        if let backup {
            let context = try Context(storeOptions, bundledDeck: false)
            let saved = try context.store.restore(fromBackup: backup)
            Output.line("restored \(context.store.path) from \(Sanitizer.sanitize(backup, keepNewlines: false)); "
                + "the store as it was is in \(saved)")
            return
        }
        let context = try Context(storeOptions, bundledDeck: false)
        let store = context.store
        let outcome = try store.write {
            try store.restoreFromTrash(all ? try store.trashedCardIDs() : try parseCardIDs(ids), now: context.now)
        }
        let restored = outcome.restored
        if !restored.isEmpty {
            Output.line("restored \(restored.count == 1 ? "card" : "cards") \(restored.map(String.init).joined(separator: " "))")
        }
        for (trashed, current) in outcome.alreadyBack {
            Output.line("card \(trashed) is back already as card \(current) (a sync brought it back with its reviews); left in the trash")
        }
        if restored.isEmpty && outcome.alreadyBack.isEmpty {
            Output.line("the trash is empty; nothing restored")
        }
    }
}
