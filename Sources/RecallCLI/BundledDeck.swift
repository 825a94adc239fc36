import Foundation
import RecallScheduler
import RecallStore

/// The question bank compiled into the binary (`Seeds/`), imported into every new store
/// unless `recall init --empty` asks otherwise.
enum BundledDeck {
    static let deckName = "Python interview"

    static func install(into store: Store, now: Millis) throws {
        // Filled in by the importer (issue 4).
    }
}
