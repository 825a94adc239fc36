import ArgumentParser
import Foundation
import RecallStore
import RecallTerminal

/// `recall trash`: what was deleted in the last 30 days, and what deleted it.
struct Trash: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List deleted cards kept in the trash (30 days), with what deleted them.",
        discussion: """
            `recall rm`, `recall deck delete` and `recall import --prune` move cards to the trash \
            with their notes and review history; each line shows the card id, when it was \
            deleted, by what (a command, or the bank it was gone from), its deck, its number of \
            reviews and its question. `recall restore ID` brings a card back.
            Examples:
              recall trash
              recall restore 12 13
              recall restore --all
            """)

    @OptionGroup var storeOptions: StoreOptions

    func run() throws {
        let context = try Context(storeOptions, bundledDeck: false)
        let entries = try context.store.trash()
        if entries.isEmpty {
            Output.line("the trash is empty")
            return
        }
        for entry in entries {
            let front = Sanitizer.sanitize(entry.front, keepNewlines: false)
            let shown = front.count > 60 ? String(front.prefix(59)) + "…" : front
            Output.line("\(entry.cardID)\t\(Self.time(entry.deleted))\t\(Sanitizer.sanitize(entry.reason, keepNewlines: false))\t"
                + "\(Sanitizer.sanitize(entry.deck, keepNewlines: false))\t\(Output.count(entry.reviews, "review"))\t\(shown)")
        }
    }

    /// `2026-11-25 12:00 UTC`: when a card was deleted, to the minute.
    static func time(_ millis: Int64) -> String {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min))
    }
}
