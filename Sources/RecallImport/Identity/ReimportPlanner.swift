import Foundation
import RecallModel
import RecallScheduler

/// A note already in the store, as the planner needs to see it.
public struct ExistingNote: Sendable, Equatable {
    public var id: String
    public var source: String
    public var front: String
    public var back: String
    public var kind: NoteKind
    public var tags: [String]
    /// `ReimportPlanner.key` of `front` and `back` as the store kept them, so a re-import of a
    /// large bank does not normalise every stored note again; computed when nil.
    public var questionKey: String?
    public var answerKey: String?
    /// `ReimportPlanner.contentHash` (as 16 hex digits) of the note as its source last gave it. When present, a
    /// draft with the same content key is unchanged whatever the stored text says, so a card
    /// edited in recall keeps the edit until its source changes; `front`/`back` may then be empty.
    public var contentKey: String?
    /// The same three keys as the 64-bit values their hex digits spell, when the caller has
    /// them so (the store reads them without making a string per key); they take precedence.
    /// `ReimportPlanner.emptyKey` stands for an empty key.
    public var questionHash: UInt64?
    public var answerHash: UInt64?
    public var contentHash: UInt64?

    public init(id: String, source: String, front: String, back: String, kind: NoteKind = .basic, tags: [String] = [],
                questionKey: String? = nil, answerKey: String? = nil, contentKey: String? = nil,
                questionHash: UInt64? = nil, answerHash: UInt64? = nil, contentHash: UInt64? = nil) {
        self.id = id
        self.source = source
        self.front = front
        self.back = back
        self.kind = kind
        self.tags = tags
        self.questionKey = questionKey
        self.answerKey = answerKey
        self.contentKey = contentKey
        self.questionHash = questionHash
        self.answerHash = answerHash
        self.contentHash = contentHash
    }
}

/// A draft that replaces the content of an existing note, keeping its id (and so its
/// cards, history and scheduling state).
public struct NoteUpdate: Sendable, Equatable {
    public var id: String
    public var draft: NoteDraft

    public init(id: String, draft: NoteDraft) {
        self.id = id
        self.draft = draft
    }
}

/// What an import will do; the summary line reports these counts.
public struct ImportPlan: Sendable, Equatable {
    public var added: [NoteDraft] = []
    public var updated: [NoteUpdate] = []
    /// Ids of notes whose front, back, kind and tags are exactly as in the source.
    public var unchanged: [String] = []
    /// Notes of the imported sources that the sources no longer contain (`--prune` deletes them).
    public var missing: [ExistingNote] = []
    /// The matching keys (`ReimportPlanner.key`) of the front and back of each added or updated
    /// draft, by draft position: computed once here so the store keeps them without normalising again.
    public var draftKeys: [Int: (front: String, back: String)] = [:]
    /// Positions in the drafts of `added` and `updated`, parallel to them.
    public var addedIndices: [Int] = []
    public var updatedIndices: [Int] = []

    public static func == (lhs: ImportPlan, rhs: ImportPlan) -> Bool {
        lhs.added == rhs.added && lhs.updated == rhs.updated && lhs.unchanged == rhs.unchanged
            && lhs.missing == rhs.missing
    }

    public init(added: [NoteDraft] = [], updated: [NoteUpdate] = [], unchanged: [String] = [],
                missing: [ExistingNote] = []) {
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
        self.missing = missing
    }
}

/// Decides which drafts are new notes and which are existing notes, edited or not
/// (DESIGN.md invariant 2: identity survives edits).
///
/// Within one source, a draft is the same note as an existing one when their normalised
/// fronts are equal; failing that, when their normalised backs are equal and neither side
/// has another candidate (so a question can be reworded while its answer stays). Otherwise
/// it is new. Pure, deterministic (draft order, then existing order) and O(n) in notes.
public enum ReimportPlanner {
    /// A hash of everything a re-import compares (front, back, kind, tags): stored with each
    /// note as 16 hex digits (its source hash), so an unchanged note is recognised by it alone.
    public static func contentHash(_ draft: NoteDraft) -> UInt64 {
        var hash = FNV64()
        hash.add(draft.front)
        hash.add(UInt8(0x1F))  // unit separator between parts
        hash.add(draft.back)
        hash.add(UInt8(0x1F))
        hash.add(draft.kind.rawValue)
        hash.add(UInt8(0x1F))
        for tag in draft.tags {
            hash.add(tag)
            hash.add(UInt8(0x1F))
        }
        return hash.value
    }

    static func hash(_ text: String) -> String {
        var hash = FNV64()
        hash.add(text)
        return hash.hex
    }

    /// The key stored with each note for matching: a 64-bit FNV-1a hash of the normalised text
    /// (see `IdentityKey`), as 16 hex digits; empty for text with no letters or digits.
    /// A hash keeps the store's key columns small; two different texts share one with
    /// probability 2⁻⁶⁴.
    public static func key(_ text: String) -> String {
        let normalized = IdentityKey.normalize(text)
        return normalized.isEmpty ? "" : hash(normalized)
    }

    /// `key` as its 64-bit value; `emptyKey` for text with no letters or digits.
    static func keyHash(_ text: String) -> UInt64 {
        let normalized = IdentityKey.normalize(text)
        guard !normalized.isEmpty else { return emptyKey }
        var hash = FNV64()
        hash.add(normalized)
        return hash.value
    }

    /// Stands for the empty key (text with no letters or digits), which never matches.
    public static let emptyKey: UInt64 = 0

    /// A stored key's 16 hex digits as the value; `emptyKey` for an empty or unreadable key.
    public static func keyValue(_ hex: String) -> UInt64 {
        UInt64(hex, radix: 16) ?? emptyKey
    }

    public static func hex(_ value: UInt64) -> String { FNV64.hex(value) }

    /// - Parameter sources: the sources this import read; their notes that no draft matches
    ///   are `missing`. Defaults to the sources of `drafts` (pass it so that a file that now
    ///   has no cards still reports its notes as missing).
    /// - Parameter contentHashes: `contentHash` of each draft, when the caller computed them
    ///   already (`ContentHashing` does it on another thread while the store is read).
    public static func plan(existing: [ExistingNote], drafts: [NoteDraft], sources: Set<String>? = nil,
                            contentHashes: [UInt64]? = nil) -> ImportPlan {
        let hashes = contentHashes.flatMap { $0.count == drafts.count ? $0 : nil } ?? drafts.map(contentHash)
        struct Key: Hashable {
            var source: String
            var text: UInt64
        }
        let imported = sources ?? Set(drafts.map(\.source))

        var claimed = Array(repeating: false, count: existing.count)
        var match: [Int?] = Array(repeating: nil, count: drafts.count)
        var unchangedMatch = Array(repeating: false, count: drafts.count)
        var questionKeys: [UInt64?] = Array(repeating: nil, count: drafts.count)
        func questionKey(_ j: Int) -> UInt64 {
            if let known = questionKeys[j] { return known }
            let computed = keyHash(drafts[j].front)
            questionKeys[j] = computed
            return computed
        }
        var backKeys: [UInt64?] = Array(repeating: nil, count: drafts.count)
        func answerKey(_ j: Int) -> UInt64 {
            if let known = backKeys[j] { return known }
            let computed = keyHash(drafts[j].back)
            backKeys[j] = computed
            return computed
        }
        func storedFront(_ note: ExistingNote) -> UInt64 {
            note.questionHash ?? note.questionKey.map(keyValue) ?? keyHash(note.front)
        }
        func storedBack(_ note: ExistingNote) -> UInt64 {
            note.answerHash ?? note.answerKey.map(keyValue) ?? keyHash(note.back)
        }
        func storedContent(_ note: ExistingNote) -> UInt64? {
            note.contentHash ?? note.contentKey.flatMap { UInt64($0, radix: 16) }
        }

        // 0. Exactly what the source gave last time (stored content keys): unchanged, without
        // normalising the text. On a re-import of an unchanged bank this settles every draft.
        // Keyed by the 64-bit hash itself (no strings to hash again); the source is checked
        // along the chain, since the same content may sit in two files.
        if existing.contains(where: { $0.contentKey != nil || $0.contentHash != nil }) {
            var firstByContent: [UInt64: Int] = [:]
            var nextSameContent = Array(repeating: -1, count: existing.count)
            for i in existing.indices.reversed() where imported.contains(existing[i].source) {
                guard let content = storedContent(existing[i]) else { continue }
                nextSameContent[i] = firstByContent.updateValue(i, forKey: content) ?? -1
            }
            for (j, draft) in drafts.enumerated() {
                var c = firstByContent[hashes[j]] ?? -1
                while c != -1, claimed[c] || existing[c].source != draft.source { c = nextSameContent[c] }
                guard c != -1 else { continue }
                claimed[c] = true
                match[j] = c
                unchangedMatch[j] = true
            }
        }

        // Existing notes still unclaimed with the same (source, question key), in existing order:
        // the first in `firstByFront`, each one's successor in `nextSameFront` (-1 ends the chain).
        // Flat arrays rather than an array per key, which would mean 100k small allocations.
        var firstByFront: [Key: Int] = [:]
        var nextSameFront = Array(repeating: -1, count: existing.count)
        if match.contains(where: { $0 == nil }) {
            for i in existing.indices.reversed() where !claimed[i] && imported.contains(existing[i].source) {
                let note = existing[i]
                let k = Key(source: note.source, text: storedFront(note))
                nextSameFront[i] = firstByFront.updateValue(i, forKey: k) ?? -1
            }
        }

        // 1. Same question: each draft takes the first unclaimed note of its chain.
        for (j, draft) in drafts.enumerated() where match[j] == nil {
            let k = Key(source: draft.source, text: questionKey(j))
            guard var c = firstByFront[k], c != -1 else { continue }
            while c != -1, claimed[c] { c = nextSameFront[c] }
            if c != -1 {
                claimed[c] = true
                match[j] = c
                firstByFront[k] = nextSameFront[c]
            } else {
                firstByFront[k] = -1
            }
        }

        // 2. Same answer, where it is the only candidate on both sides.
        var unclaimedByBack: [Key: (count: Int, index: Int)] = [:]
        for (i, note) in existing.enumerated() where imported.contains(note.source) && !claimed[i] {
            let b = storedBack(note)
            guard b != emptyKey else { continue }
            let k = Key(source: note.source, text: b)
            let seen = unclaimedByBack[k]?.count ?? 0
            unclaimedByBack[k] = (seen + 1, i)
        }
        var draftBackKeys: [Key?] = Array(repeating: nil, count: drafts.count)
        var draftsByBack: [Key: Int] = [:]
        // Only worth doing when some existing note is still unclaimed (not on a first import).
        for (j, draft) in drafts.enumerated() where match[j] == nil && !unclaimedByBack.isEmpty {
            let b = answerKey(j)
            guard b != emptyKey else { continue }
            let k = Key(source: draft.source, text: b)
            draftBackKeys[j] = k
            draftsByBack[k, default: 0] += 1
        }
        for j in drafts.indices where match[j] == nil {
            guard let k = draftBackKeys[j], draftsByBack[k] == 1, let candidate = unclaimedByBack[k],
                  candidate.count == 1, !claimed[candidate.index] else { continue }
            claimed[candidate.index] = true
            match[j] = candidate.index
        }

        var plan = ImportPlan()
        for (j, draft) in drafts.enumerated() {
            guard let i = match[j] else {
                plan.added.append(draft)
                plan.addedIndices.append(j)
                continue
            }
            let old = existing[i]
            let same = unchangedMatch[j] || storedContent(old).map { $0 == hashes[j] }
                ?? (old.front == draft.front && old.back == draft.back && old.kind == draft.kind && old.tags == draft.tags)
            if same {
                plan.unchanged.append(old.id)
            } else {
                plan.updated.append(NoteUpdate(id: old.id, draft: draft))
                plan.updatedIndices.append(j)
            }
        }
        for (i, note) in existing.enumerated() where imported.contains(note.source) && !claimed[i] {
            plan.missing.append(note)
        }
        for j in plan.addedIndices + plan.updatedIndices {
            let front = questionKey(j), back = answerKey(j)
            plan.draftKeys[j] = (front == emptyKey ? "" : hex(front), back == emptyKey ? "" : hex(back))
        }
        return plan
    }
}

/// The content hashes of many drafts, computed on a second thread while the caller opens the
/// store and reads the stored keys: on a re-import of a large bank the two take about as long.
public final class ContentHashing: @unchecked Sendable {
    // Written by the worker before it signals `done`; read only after waiting on it.
    private var hashes: [UInt64] = []
    private let done = DispatchSemaphore(value: 0)

    public init(_ drafts: [NoteDraft]) {
        let thread = Thread { [self] in
            hashes = drafts.map(ReimportPlanner.contentHash)
            done.signal()
        }
        thread.start()
    }

    /// Waits for the worker; later calls return at once.
    public func wait() -> [UInt64] {
        done.wait()
        done.signal()
        return hashes
    }
}

extension ReimportPlanner {
    /// A stored note's text, for `pairEditedClozes`.
    public struct StoredText: Sendable {
        public var kind: NoteKind
        public var front: String
        public init(kind: NoteKind, front: String) {
            self.kind = kind
            self.front = front
        }
    }

    /// Cloze notes edited in their source. A cloze's whole text is its question, and it usually
    /// has no separate answer, so changing a word or adding a deletion leaves it no key in
    /// common with the stored note: the plan has it as a new note and the stored one missing,
    /// and its progress would be lost. This pairs each such draft with the missing cloze note
    /// from the same source whose words it shares most, when at least half of all their words
    /// are shared and each is the other's best match; the pair becomes an update in place.
    public static func pairEditedClozes(_ plan: inout ImportPlan, storedTexts: [String: StoredText]) {
        let candidates = plan.missing.indices.filter { storedTexts[plan.missing[$0].id]?.kind == .cloze }
        let newClozes = plan.added.indices.filter { plan.added[$0].kind == .cloze }
        guard !candidates.isEmpty, !newClozes.isEmpty else { return }
        let missingWords = candidates.map { clozeWords(storedTexts[plan.missing[$0].id]?.front ?? "") }
        let addedWords = newClozes.map { clozeWords(plan.added[$0].front) }
        func similarity(_ a: Set<String>, _ b: Set<String>) -> Double {
            let union = a.union(b).count
            return union == 0 ? 0 : Double(a.intersection(b).count) / Double(union)
        }
        var pairs: [(added: Int, missing: Int)] = []
        for (a, addedIndex) in newClozes.enumerated() {
            let draft = plan.added[addedIndex]
            var best: (score: Double, m: Int)?
            for (m, missingIndex) in candidates.enumerated() where plan.missing[missingIndex].source == draft.source {
                let score = similarity(addedWords[a], missingWords[m])
                if score >= 0.5, score > (best?.score ?? 0) { best = (score, m) }
            }
            guard let best else { continue }
            // Mutual: no other new cloze of that source is closer to this stored note.
            let rival = newClozes.enumerated().contains { other, otherIndex in
                other != a && plan.added[otherIndex].source == draft.source
                    && similarity(addedWords[other], missingWords[best.m]) > best.score
            }
            if !rival { pairs.append((addedIndex, candidates[best.m])) }
        }
        guard !pairs.isEmpty else { return }
        let pairedAdded = Set(pairs.map(\.added)), pairedMissing = Set(pairs.map(\.missing))
        for pair in pairs.sorted(by: { plan.addedIndices[$0.added] < plan.addedIndices[$1.added] }) {
            plan.updated.append(NoteUpdate(id: plan.missing[pair.missing].id, draft: plan.added[pair.added]))
            plan.updatedIndices.append(plan.addedIndices[pair.added])
        }
        let keep = plan.added.indices.filter { !pairedAdded.contains($0) }
        plan.added = keep.map { plan.added[$0] }
        plan.addedIndices = keep.map { plan.addedIndices[$0] }
        plan.missing = plan.missing.indices.filter { !pairedMissing.contains($0) }.map { plan.missing[$0] }
    }

    /// The words of a cloze text, lowercased, without its markup (`{{c1::`, `::hint`, `[`…`]`).
    static func clozeWords(_ text: String) -> Set<String> {
        var words = Set<String>()
        var current = ""
        func flush() {
            let isClozeNumber = current.count >= 2 && current.first == "c" && current.dropFirst().allSatisfy(\.isNumber)
            if !current.isEmpty, !isClozeNumber { words.insert(current) }
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber { current.append(character) } else { flush() }
        }
        flush()
        return words
    }
}
