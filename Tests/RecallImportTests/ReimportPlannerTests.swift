import RecallModel
import RecallScheduler
import Testing
@testable import RecallImport

/// DESIGN.md invariant 2: identity survives edits.
@Suite struct ReimportPlannerTests {
    func draft(_ front: String, _ back: String, source: String = "go.md", kind: NoteKind = .basic) -> NoteDraft {
        NoteDraft(front: front, back: back, kind: kind, source: source, line: 1)
    }

    func existing(_ id: String, _ front: String, _ back: String, source: String = "go.md") -> ExistingNote {
        ExistingNote(id: id, source: source, front: front, back: back)
    }

    let store = [
        ExistingNote(id: "n1", source: "go.md", front: "What does `defer` do?", back: "Runs a call at function exit."),
        ExistingNote(id: "n2", source: "go.md", front: "Which keyword starts a goroutine?", back: "`go`"),
        ExistingNote(id: "n3", source: "rust.md", front: "What is a borrow?", back: "A reference."),
    ]

    @Test func reimportingAnUnchangedSourceChangesNothing() {
        let drafts = [draft("What does `defer` do?", "Runs a call at function exit."),
                      draft("Which keyword starts a goroutine?", "`go`")]
        let plan = ReimportPlanner.plan(existing: store, drafts: drafts)
        #expect(plan == ImportPlan(unchanged: ["n1", "n2"]))
    }

    @Test func editingTheAnswerUpdatesTheSameNote() {
        let edited = draft("What does `defer` do?", "Schedules a call to run when the function returns.")
        let plan = ReimportPlanner.plan(existing: store, drafts: [edited, draft("Which keyword starts a goroutine?", "`go`")])
        #expect(plan.updated == [NoteUpdate(id: "n1", draft: edited)])
        #expect(plan.unchanged == ["n2"])
        #expect(plan.added.isEmpty && plan.missing.isEmpty)
    }

    @Test func editingTheQuestionWhileTheAnswerStaysKeepsTheNote() {
        let edited = draft("How do you start a goroutine?", "`go`")
        let plan = ReimportPlanner.plan(existing: store, drafts: [draft("What does `defer` do?", "Runs a call at function exit."), edited])
        #expect(plan.updated == [NoteUpdate(id: "n2", draft: edited)])
        #expect(plan.added.isEmpty && plan.missing.isEmpty)
    }

    @Test func editingBothQuestionAndAnswerMakesANewNote() {
        let rewritten = draft("How do you start a goroutine?", "Prefix the call with `go`.")
        let plan = ReimportPlanner.plan(existing: store, drafts: [draft("What does `defer` do?", "Runs a call at function exit."), rewritten])
        #expect(plan.added == [rewritten])
        #expect(plan.missing.map(\.id) == ["n2"])
        #expect(plan.unchanged == ["n1"])
    }

    @Test(arguments: [
        ("what does DEFER do", "Runs a call at function exit."),
        ("What does **`defer`** do ?", "Runs a call at function exit."),
        ("What  does defer do?", "runs a call, at function exit"),
        ("What does `defer` do?", "*Runs* a call at function exit!"),
    ])
    func formattingOnlyEditsKeepTheNoteAndCountAsUpdated(_ front: String, _ back: String) {
        let plan = ReimportPlanner.plan(existing: [store[0]], drafts: [draft(front, back)])
        #expect(plan.updated.map(\.id) == ["n1"])
        #expect(plan.added.isEmpty && plan.missing.isEmpty && plan.unchanged.isEmpty)
    }

    @Test func notesWhoseSourceDroppedThemAreMissing() {
        let plan = ReimportPlanner.plan(existing: store, drafts: [draft("What does `defer` do?", "Runs a call at function exit.")])
        #expect(plan.missing.map(\.id) == ["n2"])
        // rust.md was not imported: its notes are not missing.
        #expect(!plan.missing.contains { $0.source == "rust.md" })
    }

    @Test func aSourceThatNowHasNoCardsReportsAllItsNotesWhenNamed() {
        let plan = ReimportPlanner.plan(existing: store, drafts: [], sources: ["go.md"])
        #expect(plan.missing.map(\.id) == ["n1", "n2"])
    }

    @Test func matchingStaysWithinOneSource() {
        let plan = ReimportPlanner.plan(existing: store, drafts: [draft("What is a borrow?", "A reference.", source: "go.md")])
        #expect(plan.added.count == 1)
        #expect(plan.missing.map(\.id) == ["n1", "n2"])
    }

    @Test func anAnswerSharedByTwoNotesIsNoMatch() {
        let existingNotes = [existing("a", "Is 2 prime?", "Yes"), existing("b", "Is 3 prime?", "Yes")]
        let plan = ReimportPlanner.plan(existing: existingNotes, drafts: [draft("Is two prime?", "Yes")])
        #expect(plan.added.count == 1)
        #expect(plan.missing.map(\.id) == ["a", "b"])
    }

    @Test func duplicateFrontsMatchInOrder() {
        let existingNotes = [existing("a", "Same?", "one"), existing("b", "Same?", "two")]
        let plan = ReimportPlanner.plan(existing: existingNotes, drafts: [draft("Same?", "one"), draft("Same?", "two")])
        #expect(plan.unchanged == ["a", "b"])
    }

    @Test func kindOrTagChangesAreUpdates() {
        var tagged = draft("What does `defer` do?", "Runs a call at function exit.")
        tagged.tags = ["go"]
        #expect(ReimportPlanner.plan(existing: [store[0]], drafts: [tagged]).updated.map(\.id) == ["n1"])
        let reversed = draft("What does `defer` do?", "Runs a call at function exit.", kind: .reversed)
        #expect(ReimportPlanner.plan(existing: [store[0]], drafts: [reversed]).updated.map(\.id) == ["n1"])
    }

    @Test func identityKeyIgnoresCaseSpacePunctuationAndMarkers() {
        #expect(IdentityKey.normalize("What is **`defer`**?  ") == "whatisdefer")
        #expect(IdentityKey.normalize("Ça   va, Élodie?") == "çavaélodie")
        #expect(ReimportPlanner.key("# Heading_1") == ReimportPlanner.key("heading 1"))
        #expect(ReimportPlanner.key("# Heading_1").count == 16)
        #expect(ReimportPlanner.key("# Heading_1") != ReimportPlanner.key("Heading 2"))
        #expect(ReimportPlanner.key("** -- !") == "")
    }

    @Test func planningTwentyThousandNotesIsLinear() {
        let count = 20_000
        let existingNotes = (0..<count).map { existing("id\($0)", "Question \($0)?", "Answer \($0).") }
        var drafts = (0..<count).map { draft("Question \($0)?", "Answer \($0).") }
        drafts[5] = draft("Reworded question five?", "Answer 5.")
        drafts[6] = draft("Question 6?", "New answer six.")
        let plan = ReimportPlanner.plan(existing: existingNotes, drafts: drafts)
        #expect(plan.unchanged.count == count - 2)
        #expect(plan.updated.map(\.id) == ["id5", "id6"])
    }

    @Test func reimportingTheEditedSeedKeepsEveryIdentity() throws {
        let original = try String(contentsOfFile: Fixtures.path("python-interview.md"), encoding: .utf8)
        let before = try parseText(original, name: "seed.md").notes
        let existingNotes = before.enumerated().map { n, d in
            ExistingNote(id: "id\(n)", source: d.source, front: d.front, back: d.back, kind: d.kind, tags: d.tags)
        }
        #expect(ReimportPlanner.plan(existing: existingNotes, drafts: before).unchanged.count == before.count)

        var edited = original
        // An answer, a question, and a formatting-only change to another question.
        edited = edited.replacingAll("Try to avoid locking multiple resources at the same time.",
                                     with: "Avoid locking several resources at once.")
        edited = edited.replacingAll("6. **What is the difference between deep copy and shallow copy?**",
                                     with: "6. **How do deep and shallow copies differ?**")
        edited = edited.replacingAll("5. **Explain the difference between `@staticmethod` and `@classmethod`.**",
                                     with: "5. **explain the difference between @staticmethod and @classmethod**")
        let after = try parseText(edited, name: "seed.md").notes
        let plan = ReimportPlanner.plan(existing: existingNotes, drafts: after)
        #expect(plan.added.isEmpty)
        #expect(plan.missing.isEmpty)
        #expect(plan.unchanged.count == before.count - 3)
        let updated = Dictionary(uniqueKeysWithValues: plan.updated.map { ($0.id, $0.draft.front) })
        let idOf = { (front: String) in existingNotes.first { $0.front == front }?.id ?? "?" }
        #expect(updated[idOf("Deadlock: avoid nested locks?")] == "Deadlock: avoid nested locks?")
        #expect(updated[idOf("What is the difference between deep copy and shallow copy?")] == "How do deep and shallow copies differ?")
        // The front as the author now writes it, case kept (issue 11).
        #expect(updated[idOf("Explain the difference between `@staticmethod` and `@classmethod`.")]
                == "explain the difference between @staticmethod and @classmethod")
    }
}
