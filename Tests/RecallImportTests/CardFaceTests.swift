import RecallModel
import RecallScheduler
import Testing
@testable import RecallImport

@Suite struct CardFaceTests {
    func note(_ front: String, _ back: String = "", kind: NoteKind) -> NoteDraft {
        NoteDraft(front: front, back: back, kind: kind, source: "x.md", line: 1)
    }

    @Test func basicShowsFrontThenBack() {
        let n = note("Q", "A", kind: .basic)
        #expect(n.ordinals == [1])
        #expect(CardFace.render(note: n, ordinal: 1) == ("Q", "A"))
    }

    @Test func reversedSecondCardSwapsSides() {
        let n = note("*Bonjour*", "Hello", kind: .reversed)
        #expect(n.ordinals == [1, 2])
        #expect(CardFace.render(note: n, ordinal: 1) == ("*Bonjour*", "Hello"))
        #expect(CardFace.render(note: n, ordinal: 2) == ("Hello", "*Bonjour*"))
    }

    @Test func ankiClozeHidesItsNumberAndShowsTheOthers() {
        let n = note("The capital of {{c1::France}} is {{c2::Paris::city}}, on the {{c1::Seine}}.", kind: .cloze)
        #expect(n.ordinals == [1, 2])
        #expect(CardFace.render(note: n, ordinal: 1) ==
                ("The capital of [...] is Paris, on the [...].", "The capital of France is Paris, on the Seine."))
        #expect(CardFace.render(note: n, ordinal: 2) ==
                ("The capital of France is [city], on the Seine.", "The capital of France is Paris, on the Seine."))
    }

    @Test func bracketClozeHidesTheNthSpan() {
        let n = note("Speech is [silver], silence is [golden].", "Proverb.", kind: .cloze)
        #expect(n.ordinals == [1, 2])
        #expect(CardFace.render(note: n, ordinal: 1) ==
                ("Speech is [...], silence is golden.", "Speech is silver, silence is golden.\n\nProverb."))
        #expect(CardFace.render(note: n, ordinal: 2) ==
                ("Speech is silver, silence is [...].", "Speech is silver, silence is golden.\n\nProverb."))
    }

    @Test func escapedBracketsAndImagesAreNotDeletions() {
        let n = note(#"An \[escaped] bracket, ![img](a.png) and a [real] one."#, kind: .cloze)
        #expect(n.ordinals == [1])
        #expect(CardFace.render(note: n, ordinal: 1).front == #"An \[escaped] bracket, ![img](a.png) and a [...] one."#)
    }
}
