/// A note already in the store, as the planner needs to see it.
public struct ExistingNote: Sendable, Equatable {
    public var id: String
    public var source: String
    public var front: String
    public var back: String
    public var kind: NoteKind
    public var tags: [String]

    public init(id: String, source: String, front: String, back: String, kind: NoteKind = .basic, tags: [String] = []) {
        self.id = id
        self.source = source
        self.front = front
        self.back = back
        self.kind = kind
        self.tags = tags
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
    /// The key stored with each note for matching (see `IdentityKey`).
    public static func key(_ text: String) -> String { IdentityKey.normalize(text) }

    /// - Parameter sources: the sources this import read; their notes that no draft matches
    ///   are `missing`. Defaults to the sources of `drafts` (pass it so that a file that now
    ///   has no cards still reports its notes as missing).
    public static func plan(existing: [ExistingNote], drafts: [NoteDraft], sources: Set<String>? = nil) -> ImportPlan {
        struct Key: Hashable {
            var source: String
            var text: String
        }
        let imported = sources ?? Set(drafts.map(\.source))

        var byFront: [Key: [Int]] = [:]
        for (i, note) in existing.enumerated() where imported.contains(note.source) {
            byFront[Key(source: note.source, text: key(note.front)), default: []].append(i)
        }
        var claimed = Array(repeating: false, count: existing.count)
        var match: [Int?] = Array(repeating: nil, count: drafts.count)

        // 1. Same question.
        var cursor: [Key: Int] = [:]
        for (j, draft) in drafts.enumerated() {
            let k = Key(source: draft.source, text: key(draft.front))
            guard let candidates = byFront[k] else { continue }
            var c = cursor[k] ?? 0
            while c < candidates.count, claimed[candidates[c]] { c += 1 }
            if c < candidates.count {
                claimed[candidates[c]] = true
                match[j] = candidates[c]
                c += 1
            }
            cursor[k] = c
        }

        // 2. Same answer, where it is the only candidate on both sides.
        var unclaimedByBack: [Key: (count: Int, index: Int)] = [:]
        for (i, note) in existing.enumerated() where imported.contains(note.source) && !claimed[i] {
            let b = key(note.back)
            guard !b.isEmpty else { continue }
            let k = Key(source: note.source, text: b)
            let seen = unclaimedByBack[k]?.count ?? 0
            unclaimedByBack[k] = (seen + 1, i)
        }
        var draftBackKeys: [Key?] = Array(repeating: nil, count: drafts.count)
        var draftsByBack: [Key: Int] = [:]
        for (j, draft) in drafts.enumerated() where match[j] == nil {
            let b = key(draft.back)
            guard !b.isEmpty else { continue }
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
                continue
            }
            let old = existing[i]
            if old.front == draft.front, old.back == draft.back, old.kind == draft.kind, old.tags == draft.tags {
                plan.unchanged.append(old.id)
            } else {
                plan.updated.append(NoteUpdate(id: old.id, draft: draft))
            }
        }
        for (i, note) in existing.enumerated() where imported.contains(note.source) && !claimed[i] {
            plan.missing.append(note)
        }
        return plan
    }
}
