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

/// Obsidian Spaced Repetition's syntaxes (issue 11), as its documentation writes them.
@Suite struct ObsidianSyntaxTests {
    @Test func doubleColonWithoutSpacesIsACardAsObsidianDocumentsIt() throws {
        let parsed = try parseText("""
            What is the capital of France?::Paris

            Bonjour:::Hello

            Largest planet::Jupiter

            Notes on C++ (std::vector is no card).
            """)
        #expect(parsed.notes.map(\.front) == ["What is the capital of France?", "Bonjour", "Largest planet"])
        #expect(parsed.notes.map(\.back) == ["Paris", "Hello", "Jupiter"])
        #expect(parsed.notes.map(\.kind) == [.basic, .reversed, .basic])
    }

    @Test func oneWordFrontsWithoutSpacesAreCardsInANoteWrittenForThePlugin() throws {
        let parsed = try parseText("#flashcards\n\nTerm::definition\n\nstd::vector\n")
        #expect(parsed.notes.map(\.front) == ["Term", "std"])
        // Without the tag, a code path in prose is text.
        #expect(MarkerParser.splitCardLine("std::vector is a type") == nil)
        #expect(MarkerParser.splitCardLine("You call it with Vec::new() to make one") == nil)
        let prose = try parseText("Notes on Rust.\nThe scope of a name is written like Foo::bar in a path\nand more prose.\n")
        #expect(prose.notes.allSatisfy { !$0.front.hasPrefix("The scope") })
        #expect(MarkerParser.splitCardLine("std::vector is a type", obsidian: true)?.front == "std")
    }

    @Test func multiLineCardsEndAtABlankLineAndDoubleQuestionMarkIsReversed() throws {
        let parsed = try parseText("""
            #flashcards/aws/dynamo

            What security mechanisms
            are required for DAX
            ?
            (1) an IAM role
            (2) a security group <!--SR:!2024-08-13,19,190-->

            Not part of the answer.

            Bonjour
            ??
            Hello
            - a list right under it
            - is answer too

            After.
            """)
        #expect(parsed.notes.map(\.front) == ["What security mechanisms\nare required for DAX", "Bonjour"])
        #expect(parsed.notes.map(\.back) == ["(1) an IAM role\n(2) a security group",
                                             "Hello\n\n- a list right under it\n- is answer too"])
        #expect(parsed.notes.map(\.kind) == [.basic, .reversed])
        #expect(parsed.notes[1].ordinals == [1, 2])
        #expect(parsed.notes.map(\.line) == [3, 11])
        // `#flashcards/deck` names the deck, as the plugin reads it: for the whole note.
        #expect(parsed.notes.allSatisfy { $0.deck == "aws::dynamo" })
        let tagBelow = try parseText("Capital of Peru::Lima\n\n#flashcards/geo/americas\n")
        #expect(tagBelow.notes.map(\.deck) == ["geo::americas"])
    }

    @Test func aNoteTaggedForThePluginWithoutCardsMakesNoneAndItsTagIsNoText() throws {
        let parsed = try parseText("#flashcards/aws\n\n# DynamoDB\n\n## What is a partition?\n\nA slice of the table.\n",
                                   name: "dynamo.md")
        #expect(parsed.notes.isEmpty)
        #expect(parsed.warnings.map(\.description) == ["dynamo.md: no cards found"])
        // Without the tag the same note is read by its structure.
        #expect(try parseText("# DynamoDB\n\n## What is a partition?\n\nA slice of the table.\n").notes.map(\.front)
                == ["What is a partition?"])
    }

    @Test func aMultiLineAnswerMayBeAListRightUnderTheQuestionMark() throws {
        let parsed = try parseText("#flashcards\n\nHow is G_M built from M?\n?\n1. Generate the tape\n2. Simulate the moves\n<!--SR:!2025-06-15,2,225-->\n")
        #expect(parsed.notes.map(\.front) == ["How is G_M built from M?"])
        #expect(parsed.notes.map(\.back) == ["1. Generate the tape\n2. Simulate the moves"])
    }

    @Test func highlightsAreClozesOneCardEach() throws {
        let parsed = try parseText("""
            #flashcards

            The ==mitochondria== is the powerhouse of the ==cell==.

            `a == b` and x == y are not highlights.
            """)
        #expect(parsed.notes.count == 1)
        #expect(parsed.notes[0].kind == .cloze)
        #expect(parsed.notes[0].ordinals == [1, 2])
        #expect(CardFace.render(note: parsed.notes[0], ordinal: 2).front == "The mitochondria is the powerhouse of the [...].")
    }

    @Test func tagLinesAndSchedulingCommentsAreNeverCardText() throws {
        let parsed = try parseText("""
            #flashcards #review

            Capital of Kenya::Nairobi <!--SR:!2024-08-01,7,190-->
            <!--SR:!2024-06-20,27,250-->

            Capital of Peru
            ?
            Lima
            <!--SR:!2024-07-04,37,250-->
            """)
        #expect(parsed.notes.map(\.front) == ["Capital of Kenya", "Capital of Peru"])
        #expect(parsed.notes.map(\.back) == ["Nairobi", "Lima"])
        #expect(parsed.skipped.isEmpty)
        for note in parsed.notes { #expect(!note.front.contains("#") && !note.back.contains("SR:")) }
    }

    @Test func oneDoubleColonInTheProseOfAQuestionBankKeepsItsQuestionsAndWarns() throws {
        let parsed = try parseText("""
            # Rust bank

            ## What does the turbofish look like?

            You write it as collect :: <Vec<_>> in old posts.

            ## What is ownership?

            Each value has one owner.

            ## What is borrowing?

            Taking a reference.
            """, name: "rust.md")
        #expect(parsed.notes.map(\.front) == ["What does the turbofish look like?", "What is ownership?", "What is borrowing?"])
        #expect(parsed.notes[0].back.contains("collect :: <Vec<_>>"))
        #expect(parsed.warnings.map(\.description)
                == ["rust.md:5: read as text, not as a card: the document's cards are its 3 questions"])
    }

    @Test func oneDoubleColonUnderOneQuestionIsTextOfItsAnswer() throws {
        let parsed = try parseText("# Haskell\n\n## How is a function's type written?\n\nLike this: f :: Int -> Int\n",
                                   name: "hs.md")
        #expect(parsed.notes.map(\.front) == ["How is a function's type written?"])
        #expect(parsed.notes[0].back == "Like this: f :: Int -> Int")
        #expect(parsed.warnings.map(\.description) == ["hs.md:5: read as text, not as a card: the document's one question is its card"])
    }

    @Test func doubleColonCardsUnderAHeadingAreStillTheDocumentsCards() throws {
        let parsed = try parseText("# Vocabulary\n\ndog :: der Hund\ncat :: die Katze\n\nhouse :: das Haus\n")
        #expect(parsed.notes.map(\.front) == ["dog", "house"] || parsed.notes.map(\.front) == ["dog", "cat", "house"])
        #expect(parsed.warnings.isEmpty)
    }
}
