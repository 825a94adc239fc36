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

    /// "; 12 parts made no card (12 navigation)", or nothing.
    static func noCard(_ skipped: [SkippedSection]) -> String {
        guard !skipped.isEmpty else { return "" }
        var byReason: [String: Int] = [:]
        for part in skipped { byReason[part.reason, default: 0] += 1 }
        let reasons = byReason.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.value) \($0.key)" }
        return "; \(Output.count(skipped.count, "part")) made no card (" + reasons.joined(separator: ", ") + ")"
    }

    /// `--dry-run`: each planned front with its line, and beside them, by line, what makes no card.
    func listPlan(_ source: ImportRun.Source) {
        var rows: [(line: Int, text: String)] = source.drafts.map { ($0.line, Output.summary($0.front, width: 70)) }
        rows += source.skipped.map { ($0.line, "(no card: \($0.reason))") }
        rows.sort { $0.line < $1.line }
        for row in rows { Output.line("  " + Output.column(String(row.line), 6, right: true) + "  " + row.text) }
    }

    func print(json: Bool) {
        let plan = outcome.plan
        let missing = outcome.missingNotes
        // Notes of a bank already imported stay where they are when --deck names another deck.
        var notices = outcome.notices
        for source in outcome.sources where source.deckIsExplicit {
            if let old = outcome.decks[source.key]?.first(where: { $0 != source.deck }) {
                notices.append("notes imported earlier from \(source.key) stay in deck \"\(old)\"; --deck applies to new ones")
            }
        }
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
                "missing_cards": .array(outcome.missingCards.map { card in
                    .object([
                        "card": .int(card.card), "ordinal": .int(Int64(card.ordinal)), "front": .string(card.front),
                        "source": .string(card.source), "pruned": .bool(pruned),
                    ])
                }),
                "skipped": .array(run.warnings.map { .string($0.description) }),
                "sources": .array(outcome.sources.map { source in
                    let decks = outcome.decks[source.key] ?? [source.deck]
                    return .object(["source": .string(source.key), "deck": .string(decks.first ?? source.deck),
                                    "decks": .array(decks.map { .string($0) }), "notes": .int(Int64(source.noteCount)),
                                    "no_card": .array(source.skipped.map {
                                        .object(["line": .int(Int64($0.line)), "reason": .string($0.reason)])
                                    })])
                }),
                "notices": .array(notices.map { .string($0) }),
            ]))
            return
        }
        let verb = dryRun ? "would import" : "imported"
        for source in outcome.sources {
            let decks = (outcome.decks[source.key] ?? [source.deck]).map { "\"" + Sanitizer.sanitize($0, keepNewlines: false) + "\"" }
            let notes = source.noteCount == 1 ? "1 note" : "\(source.noteCount) notes"
            Output.line("\(verb) \(Sanitizer.sanitize(source.key, keepNewlines: false)) → deck\(decks.count == 1 ? "" : "s") "
                + decks.joined(separator: ", ") + ": " + notes + Self.noCard(source.skipped))
            if dryRun { listPlan(source) }
        }
        for notice in notices { Output.line("note: " + Sanitizer.sanitize(notice, keepNewlines: false)) }
        Output.line("\(plan.added.count) added, \(plan.updated.count) updated, \(plan.unchanged.count) unchanged, "
            + "\(missing.count) missing from source" + (dryRun ? " (dry run: nothing written)" : ""))
        if !missing.isEmpty {
            Output.line(pruned ? "deleted (gone from their source):" : "missing from source (kept; --prune deletes them):")
            for note in missing {
                Output.line("  " + note.cards.map(String.init).joined(separator: ",") + "  " + Output.summary(note.front, width: 70))
            }
        }
        if !outcome.missingCards.isEmpty {
            Output.line(pruned ? "deleted cards (their place is gone from the note's source):"
                               : "cards whose place is gone from the note's source (kept; --prune deletes them):")
            for card in outcome.missingCards {
                Output.line("  \(card.card)  card \(card.ordinal) of " + Output.summary(card.front, width: 60))
            }
        }
        for warning in run.warnings {
            Output.line("warning: " + Sanitizer.sanitize(warning.description, keepNewlines: false))
        }
    }
}
