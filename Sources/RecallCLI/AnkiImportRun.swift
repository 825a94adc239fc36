import Foundation
import RecallAnki
import RecallModel
import RecallStore
import RecallTerminal

/// `recall import FILE.apkg | FILE.colpkg`: Anki packages, each in one transaction
/// (docs/anki.md). The summary is one line per package and a line of counts, or JSON.
extension Import {
    func importAnkiPackages(_ packages: [String]) throws {
        if prune || yes { throw CLIError.message("--prune and --yes apply to question banks, not to Anki packages") }
        if deckFileOptions.maxFileSize != nil {
            throw CLIError.message("--max-file-size applies to recall-deck JSON files, not to Anki packages")
        }
        if let deck { try Store.checkDeckName(deck) }
        let context = try Context(storeOptions)
        var reports: [AnkiImportReport] = []
        var phases = PhaseTimer(environment: context.environment)
        for path in packages {
            reports.append(try AnkiImporter.run(path: path, into: context.store, deckPrefix: deck, dryRun: dryRun,
                                                now: context.now, timeZone: context.clock.timeZone,
                                                phase: { phases.mark($0) }))
        }
        if json {
            let objects = reports.map(Self.json)
            Output.json(objects.count == 1 ? objects[0] : .array(objects))
            return
        }
        for report in reports { Self.print(report) }
    }

    /// docs/json.md, "Anki import summary".
    static func json(_ report: AnkiImportReport) -> JSONValue {
        let counts = report.counts
        return .object([
            "dry_run": .bool(report.dryRun), "package": .string(report.path), "collection": .string(report.collectionEntry),
            "schema": .int(Int64(report.schemaVersion)), "anki_notes": .int(Int64(report.ankiNotes)),
            "anki_cards": .int(Int64(report.ankiCards)), "revlog": .int(Int64(report.revlogRows)),
            "revlog_not_answers": .int(Int64(report.revlogNotAnswers)),
            "added": .int(Int64(counts.notesAdded)), "updated": .int(Int64(counts.notesUpdated)),
            "unchanged": .int(Int64(counts.notesUnchanged)), "reviews_added": .int(Int64(counts.reviewsAdded)),
            "checkpoints": .int(Int64(counts.checkpoints)),
            "decks_added": .array(counts.decksAdded.map { .string($0) }),
            "media_files": .int(Int64(report.mediaFiles)),
            "media_renamed": .array(report.mediaRenamed.map { .object(["from": .string($0.from), "to": .string($0.to)]) }),
            "warnings": .array(report.warnings.map { .string($0) }),
        ])
    }

    static func print(_ report: AnkiImportReport) {
        let counts = report.counts
        let clean = { (text: String) in Sanitizer.sanitize(text, keepNewlines: false) }
        Output.line("\(report.dryRun ? "would import" : "imported") \(clean(report.path)) (\(report.collectionEntry), schema "
            + "\(report.schemaVersion)): \(Output.count(report.ankiNotes, "Anki note")), \(Output.count(report.ankiCards, "card")), "
            + "\(Output.count(report.revlogRows, "revlog row"))")
        if !counts.decksAdded.isEmpty {
            Output.line("new decks: " + counts.decksAdded.map { "\"" + clean($0) + "\"" }.joined(separator: ", "))
        }
        Output.line("\(counts.notesAdded) added, \(counts.notesUpdated) updated, \(counts.notesUnchanged) unchanged; "
            + "\(Output.count(counts.reviewsAdded, "review")) added; \(Output.count(report.mediaFiles, "media file"))"
            + (report.dryRun ? " (dry run: nothing written)" : ""))
        if counts.checkpoints > 0 {
            Output.line("\(Output.count(counts.checkpoints, "card")) keep the state Anki gave them (not the replay of their "
                + "history; recorded as a checkpoint)")
        }
        if report.revlogNotAnswers > 0 {
            Output.line("\(Output.count(report.revlogNotAnswers, "revlog row")) not answers (set due date, reschedule): "
                + "kept in the cards' states, not as reviews")
        }
        for rename in report.mediaRenamed {
            Output.line("media \"\(clean(rename.from))\" stored as \"\(clean(rename.to))\"")
        }
        for warning in report.warnings { Output.line("warning: " + clean(warning)) }
    }
}
