import Foundation
import Testing
@testable import RecallImport

/// The wrappers real banks put around their questions (issue 11): list items, `<details>`,
/// multiple choice, and a heading indented by mistake.
@Suite struct WrappedQuestionTests {
    /// The ATX headings of `text` that are neither a front, nor inside some card, nor listed as
    /// skipped, other than the title and topic headings in `containers` (which hold cards).
    static func headingsLost(_ text: String, _ parsed: ParsedSource, containers: Set<String>) -> [String] {
        let cards = parsed.notes.map { $0.front + "\n" + $0.back }.joined(separator: "\n")
        let skipped = Set(parsed.skipped.map(\.line) + parsed.warnings.compactMap(\.line))
        var lost: [String] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let stripped = line.drop(while: { $0 == " " })
            guard stripped.hasPrefix("#") else { continue }
            let title = stripped.drop(while: { $0 == "#" }).drop(while: { $0 == " " })
            if !cards.contains(title) && !skipped.contains(n + 1) && !containers.contains(String(line)) {
                lost.append(String(line))
            }
        }
        return lost
    }

    static let listItemBank = """
        # Interview

        ## Core

        1.  ### What is a closure?

            A function with the variables it captured.

            ```js
            const add = (a) => (b) => a + b;
            ```

            **[⬆ Back to Top](#table-of-contents)**

        2.  ### What is the difference between state and props?

            Both are objects.

            ### State
            Owned by the component.

            ### Props
            Passed by the parent.

            **[⬆ Back to Top](#table-of-contents)**

        3.  ### What is hoisting?

            Declarations move to the top of their scope.

            **[⬆ Back to Top](#table-of-contents)**

        ## Router

        4.  ### What is a route?

            A path mapped to a view.

            **[⬆ Back to Top](#table-of-contents)**

        ## Disclaimer

        These questions may not be asked.
        """

    @Test func headingsInsideNumberedListItemsAreTheQuestions() throws {
        let parsed = try parseText(Self.listItemBank, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What is a closure?", "What is the difference between state and props?", "What is hoisting?",
            "What is a route?",
        ])
        // The item's content, moved back to the margin: the code block is as the author wrote it.
        #expect(parsed.notes[0].back == """
            A function with the variables it captured.

            ```js
            const add = (a) => (b) => a + b;
            ```
            """)
    }

    @Test func subHeadingsInsideAQuestionsListItemAreItsAnswer() throws {
        let parsed = try parseText(Self.listItemBank, name: "bank.md")
        #expect(parsed.notes[1].back == """
            Both are objects.

            ### State
            Owned by the component.

            ### Props
            Passed by the parent.
            """)
    }

    @Test func backToTopLinksInsideListItemsAreNavigation() throws {
        let parsed = try parseText(Self.listItemBank, name: "bank.md")
        for note in parsed.notes { #expect(!note.back.contains("Back to Top") && !note.back.contains("Disclaimer")) }
        let lines = Self.listItemBank.split(separator: "\n", omittingEmptySubsequences: false)
        let backToTop = lines.indices.filter { lines[$0].contains("Back to Top") }.map { $0 + 1 }
        #expect(backToTop.count == 4)
        #expect(Set(backToTop).isSubset(of: parsed.skipped.map(\.line)))
        #expect(parsed.skipped.allSatisfy { $0.reason == "navigation" })
    }

    @Test func anAnswersListAtTheMarginDoesNotHideTheQuestionsNumberedAfterIt() throws {
        // "1. **map:**" and "460. ### …" are items of one Markdown list.
        let text = """
            459. ### How do you create polyfills for map and filter?

            The polyfills extend the prototype.

            1.  **map:**

                `Array.prototype.myMap = function (cb) { … }`

            2.  **filter:**

                `Array.prototype.myFilter = function (cb) { … }`

                **[⬆ Back to Top](#table-of-contents)**

            460. ### What is the difference between map and forEach functions?

                 `map` returns a new array.

            461. ### What is a thunk function?

                 A function that delays a value.
            """
        let parsed = try parseText(text, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "How do you create polyfills for map and filter?",
            "What is the difference between map and forEach functions?", "What is a thunk function?",
        ])
        #expect(parsed.notes[0].back.contains("1.  **map:**") && parsed.notes[0].back.contains("myFilter"))
        #expect(!parsed.notes[0].back.contains("Back to Top"))
    }

    @Test(arguments: [
        "<details>\n<summary>What is an unclosed element?</summary>\n\nIts answer runs to the end.",
        "<details><summary>No closing summary\n\nText.\n\n</details>",
        "<details>\n<summary><b>Outer?</b></summary>\n\n<details><summary>Inner</summary>\n\nDeep.\n\n</details>\n\nRest.\n\n</details>",
        "1. ###\n2. ### \n\n   text\n",
        "<details>\n<summary>Last line?</summary>",
        "- ### Only one heading item\n\n  Its answer.\n\n  ## Key Points\n",
    ])
    func malformedWrappersAreReadWithoutLosingTheirText(text: String) throws {
        let parsed = try parseText(text, name: "odd.md")
        // Their text is in a card, or the import says what it left out from line 1 on.
        let reported = Set(parsed.warnings.compactMap(\.line) + parsed.skipped.map(\.line))
        #expect(!parsed.notes.isEmpty || reported.contains(1))
        // An empty heading is no question.
        for note in parsed.notes { #expect(!note.front.hasSuffix(": ?") && note.front != "?", "\(note.front)") }
    }

    static let detailsBank = """
        ## Junior Sysadmin

        ###### System Questions (3)

        <details>
        <summary><b>What does <code>ls -al</code> show?</b></summary><br>
        - permissions
        - owner

        Useful resources:

        - [ls(1)](https://man7.org/linux/man-pages/man1/ls.1.html)

        </details>

        <details>
        <summary><b>How do I <code>grep</code> recursively? ***</b></summary>

        To be completed.

        </details>

        <details>
        <summary><b>What is load average?</b></summary><br>

        ```bash
        uptime
        ```

        </details>
        """

    @Test func detailsBlocksSideBySideAreQuestionsWithTheirHiddenAnswers() throws {
        let parsed = try parseText(Self.detailsBank, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What does `ls -al` show?", "How do I `grep` recursively? ***", "What is load average?",
        ])
        #expect(parsed.notes.map(\.back) == [
            """
            - permissions
            - owner

            Useful resources:

            - [ls(1)](https://man7.org/linux/man-pages/man1/ls.1.html)
            """,
            "To be completed.",
            "```bash\nuptime\n```",
        ])
        #expect(parsed.notes.map(\.line) == [6, 17, 24])
    }

    @Test func aDetailsBlockUnderAQuestionIsPartOfItsAnswer() throws {
        let parsed = try parseText("""
            # Bank

            ## What is React?

            A library for user interfaces.

            <details>
            <summary><b>See deep-dive answer</b></summary>

            It started at Facebook in 2011.

            </details>

            ## What is JSX?

            A syntax extension.

            ## What is a hook?

            A function that uses state.
            """, name: "bank.md")
        #expect(parsed.notes.map(\.front) == ["What is React?", "What is JSX?", "What is a hook?"])
        #expect(parsed.notes[0].back.contains("A library for user interfaces."))
        #expect(parsed.notes[0].back.contains("<summary><b>See deep-dive answer</b></summary>"))
        #expect(parsed.notes[0].back.contains("It started at Facebook in 2011."))
    }

    static let multipleChoice = """
        <details><summary><strong>See 2 Available Translations</strong></summary>
        <p>

        - [Deutsch](./de-DE/README.md)
        - [Español](./es-ES/README-ES.md)

        </p>
        </details>

        ---

        ###### 1. What's the output?

        ```javascript
        console.log(typeof null);
        ```

        - A: `"null"`
        - B: `"object"`

        <details><summary><b>Answer</b></summary>
        <p>

        #### Answer: B

        A historical bug kept for compatibility.

        </p>
        </details>

        ---

        ###### 2. What's the output?

        ```javascript
        console.log(0.1 + 0.2 === 0.3);
        ```

        - A: `true`
        - B: `false`

        <details><summary><b>Answer</b></summary>
        <p>

        #### Answer: B

        Floating point.

        </p>
        </details>

        ---

        ###### 3. All objects have prototypes.

        - A: true
        - B: false

        <details><summary><b>Answer</b></summary>
        <p>

        #### Answer: B

        `Object.create(null)` has none.

        </p>
        </details>
        """

    @Test func multipleChoiceIsOneCardWithTheCodeAndChoicesShownWithTheQuestion() throws {
        let parsed = try parseText(Self.multipleChoice, name: "bank.md")
        #expect(parsed.notes.map { $0.front.split(separator: "\n").first.map(String.init) } == [
            "What's the output?", "What's the output?", "All objects have prototypes.",
        ])
        #expect(parsed.notes[0].front == """
            What's the output?

            ```javascript
            console.log(typeof null);
            ```

            - A: `"null"`
            - B: `"object"`
            """)
        #expect(parsed.notes[0].back == "#### Answer: B\n\nA historical bug kept for compatibility.")
        #expect(parsed.notes[2].back == "#### Answer: B\n\n`Object.create(null)` has none.")
        // Two questions with the same words are two notes, told apart by their code.
        #expect(Set(parsed.notes.map { IdentityKey.normalize($0.front) }).count == 3)
        // The collapsed translations list is navigation, counted on its line.
        #expect(parsed.skipped.map(\.line) == [1])
    }

    @Test func aStrayIndentedHeadingAfterAnAnswerStaysInThatAnswer() throws {
        let text = """
            # Interview

            ## Basics

            1.  ### What do call, apply and bind do?

                They set `this`.

              ---

              ## Key Points

              - `bind` does not call the function.

              **[⬆ Back to Top](#table-of-contents)**

            2.  ### What is JSON?

                A text format for data.

            3.  ### What is a promise?

                A value that arrives later.

            4.  ### What is an event loop?

                It runs tasks one at a time.
            """
        let parsed = try parseText(text, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What do call, apply and bind do?", "What is JSON?", "What is a promise?", "What is an event loop?",
        ])
        #expect(parsed.notes[0].back.contains("## Key Points"))
        #expect(parsed.notes[0].back.contains("`bind` does not call the function."))
        #expect(Self.headingsLost(text, parsed, containers: ["# Interview", "## Basics"]) == [])
    }

    @Test func aSummaryHeadingBetweenQuestionsLosesNothingAfterIt() throws {
        let text = """
            # Interview

            ## Basics

            ### What is a closure?

            A function with its variables.

            ## Key Points

            - Closures capture variables, not values.

            ### What is JSON?

            A text format for data.

            ### What is a promise?

            A value that arrives later.

            ### What is an event loop?

            It runs tasks one at a time.
            """
        let parsed = try parseText(text, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What is a closure?", "What is JSON?", "What is a promise?", "What is an event loop?",
        ])
        #expect(parsed.notes[0].back.contains("Closures capture variables, not values."))
        #expect(Self.headingsLost(text, parsed, containers: ["# Interview", "## Basics"]) == [])
    }
}

/// Where a question's answer begins, and how its front is written.
@Suite struct QuestionFrontTests {
    @Test func codeAndChoicesBeforeAnAnswerLabelAreShownWithTheQuestion() throws {
        let parsed = try parseText("""
            ### Coding Exercise

            #### 1. What is the output of below code

            ```javascript
            console.log(typeof NaN);
            ```

            - 1: number
            - 2: NaN

            ##### Answer: 1

            NaN is a number.

            #### 2. What is the output of below code

            ```javascript
            console.log([] + []);
            ```

            - 1: ""
            - 2: []

            ##### Answer: 1

            Both become empty strings.

            #### 3. Which statement is true?

            ##### Answer: none

            Neither.
            """, name: "bank.md")
        #expect(parsed.notes.count == 3)
        #expect(parsed.notes[0].front == """
            What is the output of below code

            ```javascript
            console.log(typeof NaN);
            ```

            - 1: number
            - 2: NaN
            """)
        #expect(parsed.notes[0].back == "##### Answer: 1\n\nNaN is a number.")
        // Nothing shown before the label: the answer follows the question as usual.
        #expect(parsed.notes[2].front == "Which statement is true?")
        #expect(parsed.notes[2].back.contains("Neither."))
    }

    @Test func aHeadingOverItsOwnRunOfQuestionsIsTheirContainerNotAQuestion() throws {
        var text = "# JavaScript\n\n"
        for n in 1...5 { text += "### What is feature \(n)\n\nFeature \(n) does things.\n\n" }
        text += "### Coding Exercise\n\n"
        for n in 1...3 { text += "#### \(n). What does snippet \(n) print?\n\n`snippet\(n)()` prints \(n).\n\n" }
        let parsed = try parseText(text, name: "bank.md")
        #expect(parsed.notes.map(\.front) == (1...5).map { "What is feature \($0)" }
                + (1...3).map { "What does snippet \($0) print?" })
    }

    @Test func aQuestionWithoutAnAnswerIsCountedAsEmptyNotDroppedSilently() throws {
        let parsed = try parseText("""
            ### Git Basics

            <details>
            <summary>What does git fetch do?</summary><br><b>
            It downloads objects and refs.
            </b>
            </details>

            <details>
            <summary>How to squash last two commits?</summary><br><b>
            </b></details>

            <details>
            <summary>What does git pull do?</summary><br><b>

            A fetch, then a merge.
            </b></details>
            """, name: "bank.md")
        #expect(parsed.notes.map(\.front) == ["What does git fetch do?", "What does git pull do?"])
        #expect(parsed.notes.map(\.back) == ["It downloads objects and refs.", "A fetch, then a merge."])
        #expect(parsed.skipped == [SkippedSection(line: 10, reason: "empty")])
        #expect(parsed.warnings.map(\.line) == [10])
    }

    @Test func aClosingSummaryWithNoCardToJoinIsCountedInTheSummary() throws {
        let parsed = try parseText("""
            ## What is a mutex?

            A lock.

            ## What is a semaphore?

            A counter.

            ## What is a monitor?

            A lock with conditions.

            ## Summary

            | Tool | Use |
            | --- | --- |
            | mutex | one thread |
            """, name: "bank.md")
        #expect(parsed.notes.count == 3)
        #expect(parsed.skipped == [SkippedSection(line: 13, reason: "no card to join")])
        #expect(!parsed.notes.contains { $0.back.contains("| Tool |") })
    }

    @Test func numberingIsDroppedAndTheAuthorsCaseKept() throws {
        var text = "# Bank\n\n"
        let headings = ["Question 17a. What is hoisting?", "Question 42 . Write a log function.", "#12 What is a thunk?",
                        "4. console.log(typeof null);", "Q5: What is NaN?"]
        for h in headings { text += "## \(h)\n\nAn answer to it.\n\n" }
        let parsed = try parseText(text, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What is hoisting?", "Write a log function.", "What is a thunk?", "console.log(typeof null);", "What is NaN?",
        ])
    }
}
