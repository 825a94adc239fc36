import Foundation
import RecallImport
import RecallStore
import RecallTerminal

/// What an import did (or, with --dry-run, would do), as text or JSON (docs/json.md).
struct ImportSummary {
    let run: ImportRun
    let outcome: ImportRun.Outcome
    let pruned: Bool
    let dryRun: Bool

    func print(json: Bool) {
        let plan = outcome.plan
        let missing = outcome.missingNotes
        if json {
            Output.json(.object([
                "dry_run": .bool(dryRun),
                "added": .int(Int64(plan.added.count)),
                "updated": .int(Int64(plan.updated.count)),
                "unchanged": .int(Int64(plan.unchanged.count)),
                "cards_added": .int(Int64(outcome.counts?.cardsAdded ?? plan.added.reduce(0) { $0 + $1.ordinals.count })),
                "missing": .array(missing.map { note in
                    .object([
                        "cards": .array(note.cards.map { .int($0) }), "front": .string(note.front),
                        "source": .string(note.source), "pruned": .bool(pruned),
                    ])
                }),
                "skipped": .array(run.warnings.map { .string($0.description) }),
                "sources": .array(run.sources.map { .object(["source": .string($0.key), "deck": .string($0.deck),
                                                           "notes": .int(Int64($0.drafts.count))]) }),
            ]))
            return
        }
        let verb = dryRun ? "would import" : "imported"
        for source in run.sources {
            Output.line("\(verb) \(Sanitizer.sanitize(source.key, keepNewlines: false)) → deck \"\(Sanitizer.sanitize(source.deck, keepNewlines: false))\": \(source.drafts.count) notes")
        }
        Output.line("\(plan.added.count) added, \(plan.updated.count) updated, \(plan.unchanged.count) unchanged, "
            + "\(missing.count) missing from source" + (dryRun ? " (dry run: nothing written)" : ""))
        if !missing.isEmpty {
            Output.line(pruned ? "deleted (gone from their source):" : "missing from source (kept; --prune deletes them):")
            for note in missing {
                Output.line("  " + note.cards.map(String.init).joined(separator: ",") + "  " + Output.summary(note.front, width: 70))
            }
        }
        for warning in run.warnings {
            Output.line("skipped: " + Sanitizer.sanitize(warning.description, keepNewlines: false))
        }
    }
}
