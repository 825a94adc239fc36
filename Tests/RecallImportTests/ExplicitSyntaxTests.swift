import Testing
@testable import RecallImport

@Suite struct ExplicitSyntaxTests {
    @Test func questionAndAnswerBlocksKeepParagraphsAndCode() throws {
        let notes = try parseFixture("explicit-qa.md").notes
        #expect(notes.map(\.front) == ["What does `defer` do?", "Which keyword starts a goroutine?",
                                       "How do you declare\na constant?"])
        #expect(notes[0].back == """
            Schedules a call to run when the surrounding function returns.

            Calls run in last-in, first-out order:

            ```go
            defer fmt.Println("world")
            fmt.Println("hello")
            ```
            """)
        #expect(notes[1].back == "`go`")
        #expect(notes.map(\.line) == [3, 13, 16])
        #expect(notes.allSatisfy { $0.kind == .basic && $0.ordinals == [1] && $0.deck == "explicit-qa" })
    }

    @Test func explicitCardsWinOverDocumentHeuristics() throws {
        // The file has a heading, but once it has Q:/A: cards the heading is not a card.
        let notes = try parseFixture("explicit-qa.md").notes
        #expect(!notes.contains { $0.front.contains("Go basics") })
    }

    @Test func doubleColonLinesAreCardsAndTripleColonAlsoMakesTheReverse() throws {
        let notes = try parseFixture("explicit-colon.md").notes
        #expect(notes.map(\.front) == ["Capital of France", "*Bonjour*", "mutable", "immutable"])
        #expect(notes.map(\.back) == ["Paris", "Hello", "can be changed after creation", "cannot be changed"])
        #expect(notes.map(\.kind) == [.basic, .reversed, .basic, .basic])
        #expect(notes[1].ordinals == [1, 2])
        #expect(notes.map(\.line) == [3, 4, 6, 7])
    }

    @Test(arguments: ["std::vector is a type", "Use `a :: b` here", "{{c1::x}}::y", "a ::b", "a:: b"])
    func doubleColonWithoutSpacesOrInCodeIsNotACard(_ line: String) {
        #expect(MarkerParser.splitCardLine(line[...]) == nil)
    }

    @Test func clozeWithBracketsMakesOneCardPerSpan() throws {
        let notes = try parseFixture("explicit-cloze.md").notes
        #expect(notes.count == 3)
        #expect(notes[0].kind == .cloze)
        #expect(notes[0].front == "The [mitochondria] is the powerhouse of the [cell].")
        #expect(notes[0].back == "")
        #expect(notes[0].ordinals == [1, 2])
        // Links and inline code are not deletions.
        #expect(notes[1].ordinals == [1])
        #expect(CardFace.render(note: notes[1], ordinal: 1).front
                == "A [link](https://example.com) and `[code]` are not deletions, but [...] is.")
    }

    @Test func ankiClozeParagraphMakesOneCardPerNumber() throws {
        let notes = try parseFixture("explicit-cloze.md").notes
        let anki = notes[2]
        #expect(anki.kind == .cloze)
        #expect(anki.ordinals == [1, 2])
        #expect(anki.line == 5)
    }

    @Test func dashSeparatedFrontAndBackWithEqualsBetweenCards() throws {
        let notes = try parseFixture("explicit-dashes.md").notes
        #expect(notes.map(\.front) == ["What is the time complexity of binary search?",
                                       "Name the two kinds of Go channels.",
                                       "Which Go statement waits on several channels?"])
        #expect(notes.map(\.back) == ["O(log n)", "- buffered\n- unbuffered", "`select`"])
        #expect(notes.map(\.line) == [1, 9, 18])
    }

    @Test func aSingleCardFileWithOneDashLine() throws {
        let notes = try parseText("What is a monad?\n\n---\n\nA monoid in the category of endofunctors.\n").notes
        #expect(notes.map(\.front) == ["What is a monad?"])
        #expect(notes.map(\.back) == ["A monoid in the category of endofunctors."])
    }

    @Test func markersInsideCodeBlocksAreCode() throws {
        let text = "Q: Show a Q&A in Python\nA: Like this:\n\n```python\nQ: = 1\nA: = 2\n```\n"
        let notes = try parseText(text).notes
        #expect(notes.count == 1)
        #expect(notes[0].back == "Like this:\n\n```python\nQ: = 1\nA: = 2\n```")
    }

    @Test func answersEndAtTheNextHeading() throws {
        let notes = try parseText("## Set 1\n\nQ: One?\nA: 1\n\n## Set 2\n\nNot part of the answer.\n").notes
        #expect(notes.map(\.back) == ["1"])
    }
}
