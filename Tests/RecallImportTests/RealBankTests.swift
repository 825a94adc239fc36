import Foundation
import Testing
@testable import RecallImport

/// Issue 11: public question banks, excerpted in Tests/Fixtures/import/real with fronts checked
/// by hand, become exactly the cards their authors meant.
@Suite struct RealBankTests {
    /// Every bank of the folder (see its README for each one's shape).
    static let banks = [
        "alexeygrigorev-data-science-interviews.md",
        "muhittincamdali-mobile-interview-questions.md",
        "yangshun-front-end-interview-handbook.md",
        "bmaupin-flashcard-sets.csv",
        "sudheerj-reactjs-interview-questions.md",
        "trimstray-test-your-sysadmin-skills.md",
        "lydiahallie-javascript-questions.md",
        "st3v3nmw-obsidian-spaced-repetition.md",
    ]

    /// The bank whose fronts show more than the question line: multiple choice, where the code
    /// and the choices are part of the question (README, convention 8).
    static let multipleChoice = "lydiahallie-javascript-questions.md"

    static func golden(_ bank: String) throws -> [String] {
        let name = (bank as NSString).deletingPathExtension + ".fronts.txt"
        return try String(contentsOfFile: Fixtures.path("real/" + name), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    @Test(arguments: banks)
    func frontsAreTheQuestionsAsTheirAuthorsWroteThem(bank: String) throws {
        let fronts = try parseFixture("real/" + bank).notes.map(\.front)
        if bank == Self.multipleChoice {
            // The golden lists each front's first line: the question heading.
            let headlines = fronts.map { String($0.prefix(while: { $0 != "\n" })) }
            #expect(headlines == (try Self.golden(bank)))
        } else {
            #expect(fronts == (try Self.golden(bank)))
        }
    }

    /// (The Obsidian notes have no code blocks.)
    @Test(arguments: banks.filter { $0.hasSuffix(".md") && !$0.hasPrefix("st3v3nmw") })
    func everyCodeBlockIsInItsCardVerbatim(bank: String) throws {
        let parsed = try parseFixture("real/" + bank)
        let text = try String(contentsOfFile: Fixtures.path("real/" + bank), encoding: .utf8)
        let backs = parsed.notes.map(\.back).joined(separator: "\n")
        // A multiple-choice question's own code is shown with its front.
        let fronts = bank == Self.multipleChoice ? parsed.notes.map(\.front).joined(separator: "\n") : ""
        let blocks = SeedGoldenTests.fencedBlocks(text)
        #expect(!blocks.isEmpty)
        let cards = Self.rightTrimmed(backs + "\n" + fronts)
        for block in blocks {
            // As written, moved as a whole with the list item that holds it (a code block in a
            // sub-list of a question's item keeps its place in that sub-list).
            let lines = block.dedented.split(separator: "\n", omittingEmptySubsequences: false)
            let indent = block.original.prefix(while: { $0 == " " }).count
            let found = (0...indent).contains { k in
                let moved = lines.map { $0.allSatisfy { $0 == " " } ? "" : String(repeating: " ", count: k) + $0 }
                return cards.contains(Self.rightTrimmed(moved.joined(separator: "\n")))
            }
            #expect(found, "\(block.original.prefix(80))")
        }
    }

    static func rightTrimmed(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.reversed().drop(while: { $0 == " " }).reversed()) }
            .joined(separator: "\n")
    }

    @Test func multipleChoiceAnswersAreTheHiddenAnswerAndNeverCardsOfTheirOwn() throws {
        let parsed = try parseFixture("real/" + Self.multipleChoice)
        #expect(parsed.notes.count == 40)
        for note in parsed.notes {
            #expect(note.back.hasPrefix("#### Answer: "), "\(note.front.prefix(40))")
            #expect(!note.back.contains("<details") && !note.back.contains("</p>"))
            #expect(note.front.contains("- A: ") || note.front.contains("- A:"), "\(note.front.prefix(40))")
        }
        // 29 fronts open with the same question; each is its own note, told apart by its code.
        #expect(Set(parsed.notes.map { IdentityKey.normalize($0.front) }).count == 40)
    }

    @Test(arguments: banks.filter { $0.hasSuffix(".md") })
    func noBackHoldsANavigationLine(bank: String) throws {
        for note in try parseFixture("real/" + bank).notes {
            for line in (note.front + "\n" + note.back).split(separator: "\n") {
                let lower = line.lowercased()
                #expect(!lower.contains("back to top") && !lower.contains("](#table-of-contents)")
                        && !lower.hasPrefix("<!-- source:") && !lower.contains("img.shields.io"), "\(note.front): \(line)")
            }
        }
    }

    @Test func theSummaryCountsWhatMadeNoCardWithItsLines() throws {
        let parsed = try parseFixture("real/yangshun-front-end-interview-handbook.md")
        // The source comment after the front matter, the table of contents, then a "back to
        // top" link after each answer.
        let text = try String(contentsOfFile: Fixtures.path("real/yangshun-front-end-interview-handbook.md"), encoding: .utf8)
        let backToTop = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.hasPrefix("[[↑] Back to top]") }.map { $0.offset + 1 }
        #expect(backToTop.count > 30)
        #expect(parsed.skipped.map(\.line) == [4, 8] + backToTop)
        #expect(parsed.skipped.allSatisfy { $0.reason == "navigation" })
    }
}

/// The rules behind those banks, each on a small document.
@Suite struct BankShapeTests {
    /// Devinterview-io's shape: `## 1. Explain _\*args_ …`. The escapes the author needed stay in
    /// the front (without them it would read as other emphasis); text that needs none is as written.
    @Test func escapesTheAuthorWroteStayInTheFront() throws {
        let parsed = try parseText("""
            # Python

            ## 1. Explain _\\*args_ and _\\*\\*kwargs_ in Python.

            They collect extra positional and keyword arguments.

            ## 2. What does `snake_case` mean, and is 2 * 3 six?

            A naming style; yes.

            ## 3. What is @_silgen_name for?

            An attribute.
            """)
        #expect(parsed.notes.map(\.front) == [
            "Explain *\\*args* and *\\*\\*kwargs* in Python.", "What does `snake_case` mean, and is 2 * 3 six?",
            "What is @_silgen_name for?",
        ])
    }

    @Test func siblingQuestionsOfEveryPhrasingAreFrontsVerbatim() throws {
        let parsed = try parseText("""
            # Question bank

            ## What caused the fall of Rome?

            Many factors.

            ## Give one real-world example of the Renaissance.

            The Medici in Florence.

            ## Which factors influence ocean currents, and how? (set 1, item 4)

            Wind, temperature and salinity.

            ## Name the largest planet

            Jupiter.

            ## The difference between weather and climate.

            Time scale.
            """, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What caused the fall of Rome?", "Give one real-world example of the Renaissance.",
            "Which factors influence ocean currents, and how? (set 1, item 4)", "Name the largest planet",
            "The difference between weather and climate.",
        ])
    }

    @Test func onlyABareExampleLabelJoinsTheCardBeforeIt() throws {
        let parsed = try parseText("""
            # Bank

            ## What is a closure?

            A function with its environment.

            ## Example

            `make_counter()` returns one.

            ## Give one example of a higher-order function.

            `map`.

            ## What is a generator?

            A function that yields.
            """, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What is a closure?", "Give one example of a higher-order function.", "What is a generator?",
        ])
        #expect(parsed.notes[0].back.contains("make_counter()"))
    }

    @Test func answerSubHeadingsAndFollowUpsFoldIntoTheBack() throws {
        let parsed = try parseText("""
            # Bank

            ## Q1: What is a mutex?

            **Answer:**

            A lock.

            ### Explanation

            One thread at a time.

            ## Q2: What is a semaphore?

            #### Answer

            A counter.

            ## Q3: What is a deadlock?

            Threads waiting on each other.

            ## Q4: What is a race?

            Unordered access.

            ## Q5: What is a monitor?

            A lock with conditions.
            """, name: "bank.md")
        #expect(parsed.notes.map(\.front) == [
            "What is a mutex?", "What is a semaphore?", "What is a deadlock?", "What is a race?", "What is a monitor?",
        ])
        #expect(parsed.notes[0].back.contains("One thread at a time."))
        #expect(parsed.notes[1].back.contains("A counter."))
    }

    @Test func navigationMakesNoCardAndIsCounted() throws {
        let parsed = try parseText("""
            ---
            title: Bank
            tags: [a, b]
            ---
            <!-- generated -->

            [![build](https://img.shields.io/badge/build-passing-green.svg)](https://example.com)

            # Bank

            ## Table of Contents

            - [What is a mutex?](#what-is-a-mutex)
            - [What is a semaphore?](#what-is-a-semaphore)

            ## What is a mutex?

            A lock.

            **[⬆ Back to Top](#table-of-contents)**

            ## What is a semaphore?

            A counter.

            **[⬆ Back to Top](#table-of-contents)**

            ## What is a deadlock?

            Waiting forever.

            ## Contributing

            Pull requests welcome.

            ### Code of conduct

            Be kind.

            ## License

            MIT
            """, name: "bank.md")
        #expect(parsed.notes.map(\.front) == ["What is a mutex?", "What is a semaphore?", "What is a deadlock?"])
        for note in parsed.notes {
            #expect(!note.back.contains("Back to Top") && !note.back.contains("Pull requests"))
        }
        #expect(parsed.skipped.map(\.line) == [5, 7, 11, 20, 26, 32, 40])
        #expect(!parsed.notes.contains { $0.front.contains("title") })
    }
}
