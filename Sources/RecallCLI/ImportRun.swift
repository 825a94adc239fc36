import Foundation
import RecallImport
import RecallModel
import RecallScheduler
import RecallStore

/// Turns source files into a plan against the store and applies it: shared by `recall import`
/// and the bundled deck a new store gets.
struct ImportRun {
    /// One source that was read, with its notes.
    struct Source {
        var key: String
        var deck: String
        var deckIsExplicit = false
        var drafts: [NoteDraft]
        /// The file's absolute path, when it was read from disk.
        var path: String?
        /// The deck the file itself names (`--deck`, or its name), before any bank's deck is followed.
        var fileDeck: String
        /// Parts of the file that made no card, and why (navigation: tables of contents, badges…).
        var skipped: [SkippedSection] = []
        /// The digest of the bytes parsed, when the file was read from disk.
        var digest: FileDigest?
        /// The number of notes, when the file was not parsed (an unchanged bank, `ImportFingerprint`).
        var recordedNoteCount: Int?
        var noteCount: Int { recordedNoteCount ?? drafts.count }

        init(key: String, deck: String, deckIsExplicit: Bool = false, drafts: [NoteDraft], path: String? = nil) {
            self.key = key
            self.deck = deck
            self.deckIsExplicit = deckIsExplicit
            self.drafts = drafts
            self.path = path
            fileDeck = deck
        }
    }

    /// The last `count` components of `path` (`lang/go.md` for 2), or nil when it has fewer.
    static func tail(of path: String, _ count: Int) -> String? {
        let parts = path.split(separator: "/")
        return parts.count >= count ? parts.suffix(count).joined(separator: "/") : nil
    }

    var sources: [Source] = []
    var warnings: [ImportWarning] = []
    /// Local pictures the banks show, stored with the import.
    var media = BankMedia()
    /// `folder/` for each folder read: its notes from files that are gone are missing too.
    var folderPrefixes: [String] = []
    /// `--yes`: a prune that looks like an accident (an emptied bank, or many cards with
    /// history at once) goes ahead. Without it such a prune is refused and nothing changes.
    var pruneConfirmed = false

    /// The one file of this import, fingerprinted before it was read: an unchanged bank is
    /// recognised next time without parsing it (`ImportFingerprint`).
    var fingerprint: ImportFingerprint.Input?

    /// A prune deleting more cards with review history than this at once asks for `--yes`.
    static let largePruneWithHistory = 50

    /// Reads and parses `path` (a file or a folder). Notes are keyed by a source name that does
    /// not depend on where the command runs: the file name, or for a folder, the folder's name
    /// and the path below it. Re-importing the same bank from anywhere matches the same notes.
    mutating func read(path: String, deck: String?) throws(ImportError) {
        let reader = SourceReader()
        let files = try reader.read(path, deck: deck)
        let root = URL(fileURLWithPath: path).standardizedFileURL
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
        if isDirectory.boolValue { folderPrefixes.append(root.lastPathComponent + "/") }
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
            sources[sources.count - 1].path = URL(fileURLWithPath: file.path).standardizedFileURL.path
            sources[sources.count - 1].digest = file.digest
            bringPictures(ofSource: sources.count - 1, file: file.path,
                          bankFolder: isDirectory.boolValue ? root.path : root.deletingLastPathComponent().path)
        }
    }

    /// Points the drafts of source `index` at the media store's copies of the local pictures they
    /// show (stored with the import; see `BankMedia`).
    private mutating func bringPictures(ofSource index: Int, file: String, bankFolder: String) {
        let before = media.warnings.count
        for draft in sources[index].drafts.indices {
            let line = sources[index].drafts[draft].line
            sources[index].drafts[draft].front = media.rewrite(
                sources[index].drafts[draft].front, file: file, bankFolder: bankFolder, line: line)
            sources[index].drafts[draft].back = media.rewrite(
                sources[index].drafts[draft].back, file: file, bankFolder: bankFolder, line: line)
        }
        warnings += media.warnings[before...]
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
        sources.append(Source(key: key, deck: file.deckName, deckIsExplicit: file.deckIsExplicit, drafts: drafts))
        sources[sources.count - 1].skipped = parsed.skipped
    }

    /// What the import would do, and the counts once applied.
    struct Outcome {
        /// The sources as planned: keys as the store knows them (see `resolvingKeys`).
        var sources: [Source]
        /// Notices about the import as a whole (a source key that matched several, a deck kept).
        var notices: [String]
        /// Per source key, the decks its notes are in, most of them first.
        var decks: [String: [String]]
        var plan: ImportPlan
        /// The notes missing from their source, with their question and card ids, read before any prune.
        var missingNotes: [(id: Int64, source: String, front: String, cards: [Int64])]
        /// Cards of updated notes whose place is gone from the source (a cloze deletion removed,
        /// a reversed note made one-way): kept unless pruned, like missing notes.
        var missingCards: [(card: Int64, ordinal: Int, source: String, front: String)] = []
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
        var run = self
        var notices: [String] = []
        try run.resolveKeys(in: store, notices: &notices)
        return try run.plan(store: store, now: now, prune: prune, dryRun: dryRun, phases: &phases, hashing: hashing,
                            notices: notices)
    }

    /// Source keys as the store knows them. A bank imported before under another key (as part
    /// of a folder, `banks/lang/go.md`, and now alone, `go.md`; or the other way round) keeps
    /// the key it was first imported with: of the keys earlier imports stored, the longest one
    /// that the file's real path ends with. New notes of a bank go to the deck its notes are in
    /// (wherever it was renamed to) unless a deck was asked for, so that importing a bank
    /// another way never duplicates it.
    private mutating func resolveKeys(in store: Store, notices: inout [String]) throws(StoreError) {
        let wanted = Set(sources.map(\.key))
        var taken = Set<String>()
        for index in sources.indices {
            let key = sources[index].key
            if let path = sources[index].path {
                // The path's tails, `go.md`, `lang/go.md`, `banks/lang/go.md`…: the longest one
                // an earlier import stored notes under names this file.
                var best: String?
                for count in 1...max(8, key.split(separator: "/").count) {
                    guard let tail = Self.tail(of: path, count) else { break }
                    if tail != key, wanted.contains(tail) || taken.contains(tail) { continue }
                    if try store.hasNotes(fromSource: tail) { best = tail }
                }
                // The key is the path's last tail (the file name) or a longer one: asked above.
                let keyHasNotes = best == key
                if best == nil, !keyHasNotes {
                    // Imported from this very file before, under a key the file has since left.
                    let recorded = try store.settings(withPrefix: Self.sourcePathSetting)
                    best = recorded.first { $0.value == path && !wanted.contains($0.key) && !taken.contains($0.key) }?.key
                    if best == nil {
                        best = try movedBank(index, recorded: recorded, in: store, excluding: wanted.union(taken))
                        if let moved = best {
                            notices.append("\(key) is the bank imported before as \(moved) (that file is gone); its cards are kept")
                        }
                    }
                }
                if let stored = best, stored != key {
                    taken.insert(stored)
                    // The folder this import named, as the store knows it: its files that are gone are missing.
                    for prefix in folderPrefixes where key.hasPrefix(prefix) && stored.hasSuffix(key) {
                        folderPrefixes.append(String(stored.dropLast(key.count)) + prefix)
                    }
                    rekey(index, to: stored)
                }
            }
            if !sources[index].deckIsExplicit, let deck = try store.deckName(ofNotesFromSource: sources[index].key),
               deck != sources[index].deck {
                moveNewNotes(of: index, to: deck)
            }
        }
    }

    /// A bank whose file was moved or renamed: of the banks whose recorded file is gone, the one
    /// that shares the most notes (by content) with source `index`, if at least half of its notes.
    private func movedBank(_ index: Int, recorded: [(key: String, value: String)], in store: Store,
                           excluding: Set<String>) throws(StoreError) -> String? {
        let gone = recorded.filter {
            !excluding.contains($0.key) && !FileManager.default.fileExists(atPath: $0.value)
        }
        guard !gone.isEmpty else { return nil }
        let hashes = Set(sources[index].drafts.map(ReimportPlanner.contentHash))
        var best: (key: String, shared: Int)?
        for candidate in gone {
            let stored = try store.notes(fromSources: [candidate.key])
            let shared = stored.reduce(0) { $0 + (($1.contentKey.map(hashes.contains) ?? false) ? 1 : 0) }
            if shared > 0, shared * 2 >= stored.count, shared > (best?.shared ?? 0) { best = (candidate.key, shared) }
        }
        return best?.key
    }

    /// Gives source `index` the key `key`, in its drafts too.
    private mutating func rekey(_ index: Int, to key: String) {
        sources[index].key = key
        for draft in sources[index].drafts.indices { sources[index].drafts[draft].source = key }
    }

    /// New notes of a bank that was imported before go where its notes are (the deck named
    /// after the file, renamed since); a `#deck:` header's choice stays.
    private mutating func moveNewNotes(of index: Int, to deck: String) {
        for draft in sources[index].drafts.indices where sources[index].drafts[draft].deck == sources[index].deck {
            sources[index].drafts[draft].deck = deck
        }
        sources[index].deck = deck
    }

    /// Where each bank was last imported from, kept in the store's settings under this prefix
    /// and the bank's key: tells another file of the same name from the same file rewritten.
    static let sourcePathSetting = "import path "

    /// A bank that shares no card at all with the notes stored under its key, while the file
    /// those notes came from is still there, is another file of the same name (`x/go.md` and
    /// `y/go.md`, each imported alone): it gets a key of its own, its folder and name, so that
    /// the other bank's notes are neither matched nor reported missing (and never pruned). The
    /// same file rewritten from scratch stays the same bank. Returns whether any source was re-keyed.
    private mutating func separateUnrelatedBanks(_ plan: ImportPlan, in store: Store, notices: inout [String]) throws(StoreError) -> Bool {
        var added: [String: Int] = [:]
        for draft in plan.added { added[draft.source, default: 0] += 1 }
        var changed = false
        for index in sources.indices where !sources[index].drafts.isEmpty {
            let source = sources[index]
            guard added[source.key] == source.drafts.count, let path = source.path,
                  let earlier = try store.setting(Self.sourcePathSetting + source.key), earlier != path,
                  FileManager.default.fileExists(atPath: earlier), try store.hasNotes(fromSource: source.key) else { continue }
            // Its folder and name, or one folder more if another bank has that key already.
            var key: String?
            for count in 2...3 {
                guard let candidate = Self.tail(of: path, count), candidate != source.key else { continue }
                if try !store.hasNotes(fromSource: candidate) {
                    key = candidate
                    break
                }
            }
            guard let key else { continue }
            notices.append("\(source.key) shares no card with the bank imported before as \(source.key); "
                + "imported as \(key), a bank of its own")
            rekey(index, to: key)
            // Not the other bank's deck: its own.
            if source.deck != source.fileDeck { moveNewNotes(of: index, to: source.fileDeck) }
            changed = true
        }
        return changed
    }

    private mutating func plan(store: Store, now: Millis, prune: Bool, dryRun: Bool, phases: inout PhaseTimer,
                               hashing: ContentHashing?, notices: [String], separated: Bool = false) throws -> Outcome {
        var notices = notices
        var keys = sources.map(\.key)
        // A folder's notes from files no longer in it are missing from their source too.
        for prefix in folderPrefixes {
            for source in try store.importedSources(withPrefix: prefix) where !keys.contains(source) { keys.append(source) }
        }
        let drafts = self.drafts  // one bank: the same array, not a copy
        let hashing = hashing ?? ContentHashing(drafts)
        let stored = try store.notes(fromSources: Array(Set(keys)).sorted())
        phases.mark("load stored keys")
        let contentHashes = hashing.wait()
        var plan = ReimportPlanner.plan(
            existing: stored.map {
                ExistingNote(id: String($0.id), source: $0.source, front: "", back: "",
                             questionHash: $0.questionKey, answerHash: $0.answerKey, contentHash: $0.contentKey)
            },
            drafts: drafts, sources: Set(keys), contentHashes: contentHashes)
        if plan.added.contains(where: { $0.kind == .cloze }), !plan.missing.isEmpty {
            let texts = try store.noteTexts(plan.missing.compactMap { Int64($0.id) })
            ReimportPlanner.pairEditedClozes(&plan, storedTexts: texts.reduce(into: [:]) { result, note in
                result[String(note.id)] = ReimportPlanner.StoredText(kind: note.kind, front: note.front)
            })
        }
        if !separated, try separateUnrelatedBanks(plan, in: store, notices: &notices) {
            return try self.plan(store: store, now: now, prune: prune, dryRun: dryRun, phases: &phases,
                                 hashing: hashing, notices: notices, separated: true)
        }
        var missingNotes: [(id: Int64, source: String, front: String, cards: [Int64])] = []
        for note in plan.missing {
            guard let id = Int64(note.id) else { continue }
            missingNotes.append((id, note.source, try store.noteFront(id) ?? "", try store.cardIDs(ofNote: id)))
        }
        var missingCards: [(card: Int64, ordinal: Int, source: String, front: String)] = []
        for update in plan.updated {
            guard let noteID = Int64(update.id) else { continue }
            let wanted = Set(update.draft.ordinals)
            for card in try store.cardOrdinals(ofNote: noteID) where !wanted.contains(card.ordinal) {
                missingCards.append((card.id, card.ordinal, update.draft.source, update.draft.front))
            }
        }
        phases.mark("plan")
        if prune && !dryRun && !pruneConfirmed {
            try checkPrune(store: store, missingNotes: missingNotes, missingCards: missingCards)
        }
        guard !dryRun else {
            return Outcome(sources: sources, notices: notices, decks: try decks(in: store, plan: plan),
                           plan: plan, missingNotes: missingNotes, missingCards: missingCards, counts: nil)
        }
        func imported(_ index: Int) -> ImportedNote {
            let draft = drafts[index]
            let keys = plan.draftKeys[index] ?? (ReimportPlanner.key(draft.front), ReimportPlanner.key(draft.back))
            return ImportedNote(
                deck: draft.deck ?? "Default", kind: draft.kind,
                front: draft.front, back: draft.back, tags: draft.tags, ordinals: draft.ordinals, source: draft.source,
                sourceLine: draft.line, questionKey: keys.front, answerKey: keys.back,
                contentKey: ReimportPlanner.hex(contentHashes[index]))
        }
        try media.saveContents(in: store)
        // A large first bank only adds pages: written once, through a rollback journal.
        let counts = try store.write(adding: plan.addedIndices.count) {
            try media.record(in: store, now: now)
            let counts = try store.applyImport(
                added: plan.addedIndices.map(imported),
                updated: zip(plan.updated, plan.updatedIndices).compactMap { update, index in
                    Int64(update.id).map { ($0, imported(index)) }
                },
                pruned: prune ? plan.missing.compactMap { Int64($0.id) } : [],
                now: now, pruneCards: prune)
            for source in sources {
                guard let path = source.path, try store.setting(Self.sourcePathSetting + source.key) != path else { continue }
                try store.setSetting(Self.sourcePathSetting + source.key, path)
            }
            if let fingerprint {
                try recordFingerprint(fingerprint, in: store, plan: plan, notices: notices, missingCards: missingCards.count)
            }
            return counts
        }
        phases.mark("write")
        return Outcome(sources: sources, notices: notices, decks: try decks(in: store, plan: plan),
                       plan: plan, missingNotes: missingNotes, missingCards: missingCards, counts: counts)
    }

    /// Records what the next import of this path can be recognised by, when this import left
    /// nothing unsaid (no warning, notice or missing note: a full re-import of the same bytes
    /// then changes nothing and says only "unchanged"); otherwise forgets any earlier record.
    private func recordFingerprint(_ input: ImportFingerprint.Input, in store: Store, plan: ImportPlan,
                                   notices: [String], missingCards: Int) throws(StoreError) {
        var files: [ImportFingerprint.File] = []
        // A bank that shows pictures is read every time: the record covers the bank's own files,
        // and an edited picture must reach its card.
        if warnings.isEmpty, notices.isEmpty, plan.missing.isEmpty, missingCards == 0, sources.count == input.files.count,
           media.staged.isEmpty {
            for (source, file) in zip(sources, input.files) {
                // The digest of the bytes this import parsed (the file may have changed since the
                // input was taken: the record must say what the store now reflects).
                guard let parsed = source.digest, source.path == file.path, !source.drafts.isEmpty else { break }
                let signature = try store.importSignature(ofSource: source.key)
                files.append(ImportFingerprint.File(
                    path: file.path, size: parsed.size, digest: parsed.hex, key: source.key, store: FNV64.hex(signature.digest),
                    notes: source.drafts.count, skipped: source.skipped.map { .init(line: $0.line, reason: $0.reason) }))
            }
        }
        guard files.count == input.files.count else {
            try store.removeSetting(ImportFingerprint.settingPrefix + input.path)
            return
        }
        try ImportFingerprint(input, files: files).record(for: input, in: store)
    }

    /// The outcome of re-importing the fingerprinted path, without reading it, when its files
    /// and the store's notes from them are exactly as the last import left them
    /// (`ImportFingerprint`); nil otherwise (then the files are read and planned as usual).
    mutating func unchangedOutcome(store: Store, deck: String?) throws -> Outcome? {
        guard let input = fingerprint, let recorded = try ImportFingerprint.recorded(for: input, in: store) else { return nil }
        // The sources and keys as `read` and a full import's `resolveKeys` make them.
        let root = URL(fileURLWithPath: input.path)
        let base = root.deletingLastPathComponent().path
        sources = recorded.files.map { file in
            let key = input.folder && file.path.hasPrefix(base + "/") ? String(file.path.dropFirst(base.count + 1))
                : (file.path as NSString).lastPathComponent
            return Source(key: key, deck: deck ?? SourceReader.deckName(forFile: file.path), deckIsExplicit: deck != nil,
                          drafts: [], path: file.path)
        }
        folderPrefixes = input.folder ? [root.lastPathComponent + "/"] : []
        var notices: [String] = []
        try resolveKeys(in: store, notices: &notices)
        guard notices.isEmpty, sources.map(\.key) == recorded.files.map(\.key) else { return nil }
        // Notes of files gone from the folder would be missing: none may be left.
        let keys = Set(sources.map(\.key))
        for prefix in folderPrefixes {
            guard try store.importedSources(withPrefix: prefix).allSatisfy(keys.contains) else { return nil }
        }
        var ids: [Int64] = []
        var decks: [String: [String]] = [:]
        for (index, file) in recorded.files.enumerated() {
            let signature = try store.importSignature(ofSource: file.key)
            guard FNV64.hex(signature.digest) == file.store, signature.ids.count == file.notes else { return nil }
            ids += signature.ids
            sources[index].recordedNoteCount = file.notes
            sources[index].skipped = file.skipped.map { SkippedSection(line: $0.line, reason: $0.reason) }
            if let stored = try store.deckName(ofNotesFromSource: file.key) { decks[file.key] = [stored] }
        }
        return Outcome(sources: sources, notices: [], decks: decks, plan: ImportPlan(unchanged: ids.map(String.init)),
                       missingNotes: [], missingCards: [], counts: ImportCounts())
    }

    /// Refuses a prune that is more likely an accident than a wish (issue 14): a bank that
    /// now holds no cards at all while cards came from it (an emptied file is a common editor
    /// or sync slip), or more than `largePruneWithHistory` cards with review history at once.
    private func checkPrune(store: Store, missingNotes: [(id: Int64, source: String, front: String, cards: [Int64])],
                            missingCards: [(card: Int64, ordinal: Int, source: String, front: String)]) throws {
        let bySource = Dictionary(grouping: missingNotes, by: \.source)
        for source in sources where source.drafts.isEmpty {
            guard let gone = bySource[source.key], !gone.isEmpty else { continue }
            let cards = gone.reduce(0) { $0 + $1.cards.count }
            throw CLIError.message(
                "\(source.path ?? source.key) holds no cards now, but \(Output.count(cards, "card")) came from it; "
                    + "--prune would delete them all. Nothing changed: check the file, or add --yes to prune anyway")
        }
        let cards = missingNotes.flatMap(\.cards) + missingCards.map(\.card)
        let withHistory = try store.countCardsWithReviews(cards)
        if withHistory > Self.largePruneWithHistory {
            throw CLIError.message(
                "--prune would delete \(Output.count(withHistory, "card")) with review history; nothing changed. "
                    + "Check with --dry-run, and add --yes to prune them (they go to `recall trash` for 30 days)")
        }
    }

    /// Where each source's notes are: the decks of its new notes, and the deck its notes
    /// already in the store are in (read from one of them: a bank's notes stay together).
    private func decks(in store: Store, plan: ImportPlan) throws(StoreError) -> [String: [String]] {
        var counts: [String: [String: Int]] = [:]
        var addedPerSource: [String: Int] = [:]
        for draft in plan.added {
            counts[draft.source, default: [:]][draft.deck ?? "Default", default: 0] += 1
            addedPerSource[draft.source, default: 0] += 1
        }
        for source in sources {
            let kept = source.drafts.count - (addedPerSource[source.key] ?? 0)
            if kept > 0, let deck = try store.deckName(ofNotesFromSource: source.key) {
                counts[source.key, default: [:]][deck, default: 0] += kept
            }
        }
        return counts.mapValues { decks in decks.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key) }
    }
}
