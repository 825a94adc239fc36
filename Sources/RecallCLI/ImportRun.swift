import Foundation
import RecallImport
import RecallScheduler
import RecallStore

/// Turns source files into a plan against the store and applies it: shared by `recall import`
/// and the bundled deck a new store gets.
struct ImportRun {
    /// One source that was read, with its notes.
    struct Source {
        var key: String
        var deck: String
        var drafts: [NoteDraft]
    }

    var sources: [Source] = []
    var warnings: [ImportWarning] = []

    /// Reads and parses `path` (a file or a folder). Notes are keyed by a source name that does
    /// not depend on where the command runs: the file name, or for a folder, the folder's name
    /// and the path below it. Re-importing the same bank from anywhere matches the same notes.
    mutating func read(path: String, deck: String?) throws(ImportError) {
        let reader = SourceReader()
        let files = try reader.read(path, deck: deck)
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
        for file in files {
            let key: String
            if isDirectory.boolValue {
                let full = URL(fileURLWithPath: file.path).standardizedFileURL.path
                let base = root.deletingLastPathComponent().path
                key = full.hasPrefix(base + "/") ? String(full.dropFirst(base.count + 1)) : file.path
            } else {
                key = root.lastPathComponent
            }
            try add(file, key: key)
        }
    }

    /// Parses one file already in memory (the bundled seeds).
    mutating func add(_ file: SourceFile, key: String) throws(ImportError) {
        let parsed = try SourceReader().parse(file)
        warnings += parsed.warnings  // the parser already carries the file's own warnings first
        var drafts = parsed.notes
        var usesFileDeck = false
        for index in drafts.indices {
            drafts[index].source = key
            if file.deckIsExplicit || drafts[index].deck == nil { drafts[index].deck = file.deckName }
            usesFileDeck = usesFileDeck || drafts[index].deck == file.deckName
        }
        // `--deck` is checked before any file is read; a name from a header or deck column by
        // the parser, with its line. What is left is the file's own name.
        if usesFileDeck, !file.deckIsExplicit, DeckName.problem(file.deckName) != nil {
            throw .invalidDeckName(path: file.path, line: nil, name: file.deckName)
        }
        sources.append(Source(key: key, deck: file.deckName, drafts: drafts))
    }

    /// What the import would do, and the counts once applied.
    struct Outcome {
        var plan: ImportPlan
        /// The notes missing from their source, with their question and card ids, read before any prune.
        var missingNotes: [(id: Int64, source: String, front: String, cards: [Int64])]
        var counts: ImportCounts?
    }

    /// The drafts of every source, in order: what `apply` plans.
    var drafts: [NoteDraft] { sources.count == 1 ? sources[0].drafts : sources.flatMap(\.drafts) }

    /// Plans against the store and, unless `dryRun`, applies the plan in one transaction.
    func apply(to store: Store, now: Millis, prune: Bool, dryRun: Bool) throws -> Outcome {
        var phases = PhaseTimer(environment: [:])
        return try apply(to: store, now: now, prune: prune, dryRun: dryRun, phases: &phases)
    }

    func apply(to store: Store, now: Millis, prune: Bool, dryRun: Bool, phases: inout PhaseTimer,
               hashing: ContentHashing? = nil) throws -> Outcome {
        let keys = sources.map(\.key)
        let drafts = self.drafts  // one bank: the same array, not a copy
        let hashing = hashing ?? ContentHashing(drafts)
        let stored = try store.notes(fromSources: Array(Set(keys)).sorted())
        phases.mark("load stored keys")
        let contentHashes = hashing.wait()
        let plan = ReimportPlanner.plan(
            existing: stored.map {
                ExistingNote(id: String($0.id), source: $0.source, front: "", back: "",
                             frontHash: $0.identity, backHash: $0.answerKey, contentHash: $0.sourceHash)
            },
            drafts: drafts, sources: Set(keys), contentHashes: contentHashes)
        var missingNotes: [(id: Int64, source: String, front: String, cards: [Int64])] = []
        for note in plan.missing {
            guard let id = Int64(note.id) else { continue }
            missingNotes.append((id, note.source, try store.noteFront(id) ?? "", try store.cardIDs(ofNote: id)))
        }
        phases.mark("plan")
        guard !dryRun else { return Outcome(plan: plan, missingNotes: missingNotes, counts: nil) }
        func imported(_ index: Int) -> ImportedNote {
            let draft = drafts[index]
            let keys = plan.draftKeys[index] ?? (ReimportPlanner.key(draft.front), ReimportPlanner.key(draft.back))
            return ImportedNote(
                deck: draft.deck ?? "Default", kind: draft.kind,
                front: draft.front, back: draft.back, tags: draft.tags, ordinals: draft.ordinals, source: draft.source,
                sourceLine: draft.line, identity: keys.front, answerKey: keys.back,
                sourceHash: ReimportPlanner.hex(contentHashes[index]))
        }
        let counts = try store.write {
            try store.applyImport(
                added: plan.addedIndices.map(imported),
                updated: zip(plan.updated, plan.updatedIndices).compactMap { update, index in
                    Int64(update.id).map { ($0, imported(index)) }
                },
                pruned: prune ? plan.missing.compactMap { Int64($0.id) } : [],
                now: now)
        }
        phases.mark("write")
        return Outcome(plan: plan, missingNotes: missingNotes, counts: counts)
    }
}
