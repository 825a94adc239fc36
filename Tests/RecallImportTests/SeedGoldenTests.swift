import Foundation
import Testing
@testable import RecallImport

/// The bundled seed is what a new user's first import looks like: nine chat answers pasted
/// one after another. These tests pin the cards it gives.
@Suite struct SeedGoldenTests {
    static let seedPath = Fixtures.path("python-interview.md")

    static func parseSeed() throws -> ParsedSource {
        let reader = SourceReader()
        let files = try reader.read(seedPath)
        return try reader.parse(files[0])
    }

    /// Fenced code blocks of the seed: as written (`original`) and moved left to their
    /// fence's indentation (`dedented`, as they read in a back taken out of a list item).
    static func fencedBlocks(_ text: String) -> [(dedented: String, original: String)] {
        var blocks: [(String, String)] = []
        var current: [Substring]?
        var original: [Substring] = []
        var indent = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let stripped = line.drop(while: { $0 == " " })
            if current == nil, stripped.hasPrefix("```") {
                indent = line.count - stripped.count
                current = [stripped]
                original = [line]
            } else if var lines = current {
                let content = SourceLines.dedent(line, by: indent)
                lines.append(content)
                original.append(line)
                if content.hasPrefix("```") {
                    blocks.append((lines.joined(separator: "\n"), original.joined(separator: "\n")))
                    current = nil
                } else {
                    current = lines
                }
            }
        }
        return blocks
    }

    @Test func explicitQuestionsBecomeFrontsWithoutBoldMarkers() throws {
        let fronts = try Self.parseSeed().notes.map(\.front)
        let expected = [
            "Explain the Global Interpreter Lock (GIL) in Python. How does it affect multi-threading?",
            "What are Python's memory management techniques?",
            "How do you optimize the performance of a Python program?",
            "What are decorators in Python, and how are they used?",
            "Explain the difference between `@staticmethod` and `@classmethod`.",
            "What is the difference between deep copy and shallow copy?",
            "What are generators in Python and how do they differ from regular functions?",
            "Explain the `async` and `await` keywords.",
            "What is the difference between `is` and `==` in Python?",
            "How does Python's `with` statement work and why is it useful?",
        ]
        #expect(Array(fronts.prefix(10)) == expected)
    }

    @Test func explicitQuestionBackIsTheWholeAnswerWithItsCode() throws {
        let notes = try Self.parseSeed().notes
        let decorators = try #require(notes.first { $0.front.hasPrefix("What are decorators") })
        #expect(decorators.back.hasPrefix("- Decorators are functions that modify the behavior"))
        #expect(decorators.back.hasSuffix("say_hello()\n```"))
        #expect(decorators.back.contains("```python\ndef my_decorator(func):\n    def wrapper():"))
        #expect(decorators.line == 22)
    }

    @Test func deadlockStrategiesCarryTheirTopic() throws {
        let fronts = Set(try Self.parseSeed().notes.map(\.front))
        let expected = [
            "Deadlock: avoid nested locks?",
            "Deadlock: use timeout for lock acquisition?",
            "Deadlock detection and recovery?",
            "Deadlock: use higher-level concurrency primitives?",
            "Design deadlock-free algorithms?",
            "Deadlock: resource hierarchy (lock ordering)?",
            "Deadlock: use context managers?",
            "Deadlock: limit the scope of locking?",
            "Deadlock: try-except for lock release?",
        ]
        for front in expected { #expect(fronts.contains(front), "missing \(front)") }
    }

    @Test func memoryManagementConceptsCarryTheirTopic() throws {
        let notes = try Self.parseSeed().notes
        let fronts = Set(notes.map(\.front))
        let expected = [
            "Python memory management: reference counting?",
            "Python memory management: garbage collection?",
            "Memory management in Python: memory pools and arenas?",
            "Python memory management: small object allocator?",
            "Python memory management: large object allocator?",
            "Efficient memory management: use built-in types and functions?",
            "Memory management in Python: release memory explicitly?",
        ]
        for front in expected { #expect(fronts.contains(front), "missing \(front)") }
        let counting = try #require(notes.first { $0.front == "Python memory management: reference counting?" })
        #expect(counting.back.contains("del b          # Reference count for list object is 0, memory deallocated"))
    }

    @Test func pastedDocumentsKeepTheirOwnTopic() throws {
        let fronts = try Self.parseSeed().notes.map(\.front)
        #expect(fronts.contains("Multithreading in Python with a database connection: connection pooling?"))
        #expect(fronts.contains("Packing and unpacking in Python: extended unpacking?"))
        #expect(fronts.contains("Lists: characteristics?"))
        #expect(fronts.contains("Lists, tuples, and dictionaries: when to use a tuple?"))
        #expect(fronts.contains("Handling errors in Python: custom exceptions?"))
        #expect(fronts.contains("CPython vs. other implementations: PyPy?"))
        #expect(fronts.contains("Python: metaclasses?") || fronts.contains("Python: Metaclasses?"))
        #expect(fronts.contains("What is deadlock?"))
        #expect(fronts.contains("What does handling errors in Python involve?"))
    }

    @Test func allFrontsMatchTheGoldenList() throws {
        let golden = try String(contentsOfFile: Fixtures.path("python-interview.fronts.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let fronts = try Self.parseSeed().notes.map(\.front)
        #expect(fronts == golden)
    }

    @Test func noCodeCommentBecomesAFront() throws {
        let seed = try String(contentsOfFile: Self.seedPath, encoding: .utf8)
        let comments = Self.fencedBlocks(seed).flatMap { block in
            block.dedented.split(separator: "\n").map { $0.trimmed }.filter { $0.hasPrefix("#") }
                .map { String($0.drop(while: { $0 == "#" || $0 == " " })) }
        }
        #expect(comments.contains("Critical section"))
        for note in try Self.parseSeed().notes {
            #expect(!note.front.hasPrefix("#"))
            for comment in comments where !comment.isEmpty {
                #expect(!note.front.contains(comment), "\(note.front) holds the code comment \(comment)")
            }
        }
    }

    @Test func everyCodeBlockOfTheSeedIsInSomeBackVerbatim() throws {
        let seed = try String(contentsOfFile: Self.seedPath, encoding: .utf8)
        let blocks = Self.fencedBlocks(seed)
        #expect(blocks.count == 54)
        let backs = try Self.parseSeed().notes.map(\.back)
        for block in blocks {
            #expect(backs.contains { $0.contains(block.dedented) || $0.contains(block.original) },
                    "code block not in any back:\n\(block.original)")
        }
    }

    @Test func noMojibakeRemains() throws {
        let notes = try Self.parseSeed().notes
        for note in notes {
            for marker in ["â€", "Ã", "Â"] {
                #expect(!note.front.contains(marker) && !note.back.contains(marker))
            }
        }
        #expect(notes.contains { $0.back.contains("Here’s an example demonstrating") })
    }

    @Test func everyFrontIsUniqueAndEveryBackSubstantial() throws {
        let notes = try Self.parseSeed().notes
        #expect(notes.count == 92)
        #expect(Set(notes.map { IdentityKey.normalize($0.front) }).count == notes.count)
        for note in notes {
            #expect(note.back.count >= 30, "trivial back for \(note.front)")
            #expect(note.kind == .basic && note.ordinals == [1])
        }
    }

    @Test func examplesSummariesAndConclusionsAreNotCardsOfTheirOwn() throws {
        let notes = try Self.parseSeed().notes
        for note in notes {
            let lower = note.front.lowercased()
            for word in ["example", "summary", "conclusion", "key points"] {
                #expect(!lower.contains(word), "\(note.front)")
            }
        }
        let pooling = try #require(notes.first { $0.front.hasSuffix("connection pooling?") })
        #expect(pooling.back.contains("### Example Code with Threading and Connection Pooling"))
        #expect(pooling.back.contains("### Key Points in the Example:"))
        let deadlock = try #require(notes.first { $0.front == "What is deadlock?" })
        #expect(deadlock.back.contains("### Conclusion\n\nDeadlocks can be challenging to manage"))
        #expect(!deadlock.back.contains("Here are some strategies"))
        let cpython = try #require(notes.first { $0.front == "What is CPython?" })
        #expect(cpython.back.contains("### Example of Using CPython"))
        #expect(cpython.back.contains("### Summary\n\nCPython is the standard"))
        let nested = try #require(notes.first { $0.front == "Deadlock: avoid nested locks?" })
        #expect(nested.back.contains("#### Example:"))
        #expect(nested.back.hasSuffix("In this example, both threads acquire `lock1` before `lock2`, avoiding circular wait."))
    }

    @Test func closingRemarksWithoutAnOverviewAreReportedAsSkipped() throws {
        let warnings = try Self.parseSeed().warnings.map(\.description)
        #expect(warnings == [
            "\(Self.seedPath):135: skipped closing paragraph \"These questions and answers cover a…\" (no overview card to attach it to)",
            "\(Self.seedPath):1229: skipped closing paragraph \"These advanced topics in Python provide…\" (no overview card to attach it to)",
        ])
    }

    @Test func seedTextInMemoryGivesTheSameCardsAsTheFile() throws {
        let text = try String(contentsOfFile: Self.seedPath, encoding: .utf8)
        let file = SourceFile(path: "python-interview.md", contents: text)
        #expect(file.deckName == "python-interview")
        #expect(file.format == .markdown)
        let parsed = try SourceReader().parse(file)
        #expect(parsed.notes.map(\.front) == (try Self.parseSeed().notes.map(\.front)))
        #expect(parsed.notes.allSatisfy { $0.source == "python-interview.md" && $0.deck == "python-interview" })
    }
}
