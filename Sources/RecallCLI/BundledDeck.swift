import Foundation
import RecallImport
import RecallModel
import RecallScheduler
import RecallStore

/// The question bank compiled into the binary (`Seeds/`), imported into every new store
/// unless `recall init --empty` asks otherwise (DESIGN.md invariant 7: no files needed).
enum BundledDeck {
    static let deckName = "Python interview"

    static func install(into store: Store, now: Millis) throws {
        var run = ImportRun()
        for seed in EmbeddedSeeds.files where seed.name.hasSuffix(".md") {
            try run.add(SourceFile(path: seed.name, contents: seed.contents, deck: deckName), key: seed.name)
        }
        _ = try run.apply(to: store, now: now, prune: false, dryRun: false)
    }
}
