import Foundation
import Testing
@testable import RecallImport

/// Each malformed input gives one line with the file and, where it has one, the line.
@Suite struct BadInputTests {
    @Test func missingFile() {
        #expect(throws: ImportError.missingFile(path: "nope/missing.md")) {
            try SourceReader().read("nope/missing.md")
        }
        #expect(ImportError.missingFile(path: "nope/missing.md").description == "nope/missing.md: no such file or directory")
    }

    @Test func unsupportedFileType() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("deck.pdf", "%PDF")
        #expect(throws: ImportError.unsupportedFileType(path: path)) { try SourceReader().read(path) }
        #expect(ImportError.unsupportedFileType(path: "deck.pdf").description
                == "deck.pdf: unsupported file type (expected .md, .markdown, .txt, .csv, .tsv, or .json for a deck file)")
    }

    @Test func directoryWithoutImportableFiles() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("image.png", "x")
        #expect(throws: ImportError.emptyDirectory(path: dir.path)) { try SourceReader().read(dir.path) }
        #expect(ImportError.emptyDirectory(path: "decks").description
                == "decks: no .md, .markdown, .txt, .csv or .tsv files below this directory")
    }

    @Test func directoryWithNoCards() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("a.md", "Just a thought, no question here.\n")
        try dir.write("sub/b.md", "")
        let reader = SourceReader()
        let files = try reader.read(dir.path)
        #expect(files.count == 2)
        #expect(throws: ImportError.noCards(path: dir.path + "/")) { try reader.parse(files) }
        #expect(ImportError.noCards(path: "decks/").description
                == "decks/: no cards found (write Q:/A: pairs, `front :: back` lines, or questions and headings)")
        #expect(try reader.parse(files[0]).warnings.map(\.description) == [
            "\(dir.path)/a.md:1: skipped introduction \"Just a thought, no question here.\" (no question or heading it belongs to)",
            "\(dir.path)/a.md: no cards found",
        ])
    }

    @Test func binaryFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("photo.md", Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x0D, 0x0A]))
        #expect(throws: ImportError.binaryFile(path: path)) { try SourceReader().read(path) }
        #expect(ImportError.binaryFile(path: "photo.md").description == "photo.md: binary file, not text (it contains NUL bytes)")
    }

    @Test func invalidUTF8IsReadAsWindows1252WithAWarning() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        // "Q: Caf\xE9?" — Latin-1/Windows-1252 bytes, with a real UTF-8 ’ that must survive.
        var bytes = Array("Q: What is a caf".utf8) + [0xE9] + Array("?\n".utf8)
        bytes += Array("A: A place for coffee — it’s “nice”.\n".utf8) + [0x93, 0x71, 0x94, 0x0A]
        let path = try dir.write("cafe.md", Data(bytes))
        let reader = SourceReader()
        let file = try #require(try reader.read(path).first)
        #expect(file.warnings.map(\.description) == ["\(path): decoded as Windows-1252 (invalid UTF-8 at line 1)"])
        let parsed = try reader.parse(file)
        #expect(parsed.notes.map(\.front) == ["What is a café?"])
        #expect(parsed.notes.map(\.back) == ["A place for coffee — it’s “nice”.\n“q”"])
        #expect(parsed.warnings.first?.description == "\(path): decoded as Windows-1252 (invalid UTF-8 at line 1)")
    }

    @Test func invalidUTF8LineIsTheLineOfTheFirstBadByte() {
        let bytes = Array("ok\nfine\n".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(TextDecoding.firstInvalidUTF8Line(bytes) == 3)
        #expect(TextDecoding.decode(bytes).windows1252AtLine == 3)
    }

    @Test func unbalancedCSVQuoteGivesTheLineOfTheOpeningQuote() {
        let path = Fixtures.path("unbalanced.csv")
        #expect(throws: ImportError.unbalancedQuote(path: path, line: 3)) { try parseFixture("unbalanced.csv") }
        #expect(ImportError.unbalancedQuote(path: "x.csv", line: 3).description
                == "x.csv:3: unbalanced quote (the field opened here never ends with \")")
    }

    @Test func questionWithoutAnswer() {
        let path = Fixtures.path("q-without-a.md")
        #expect(throws: ImportError.questionWithoutAnswer(path: path, line: 4)) { try parseFixture("q-without-a.md") }
        #expect(ImportError.questionWithoutAnswer(path: "decks/go.md", line: 4).description
                == "decks/go.md:4: question without an answer (Q: … A:)")
        #expect(throws: ImportError.questionWithoutAnswer(path: "x.md", line: 1)) { try parseText("Q: Alone?\n", name: "x.md") }
    }

    @Test func aStrayAnswerLineIsAWarningAndTheRestIsRead() throws {
        // Issue 11: one stray `A:` used to abort the import of a whole folder.
        let path = Fixtures.path("a-without-q.md")
        let parsed = try parseFixture("a-without-q.md")
        #expect(parsed.notes.map(\.front) == ["First?"])
        #expect(parsed.warnings.map(\.description) == ["\(path):6: answer without a question (Q: … A:); it makes no card"])
        // In prose, without any Q:, the document is read by its structure and the line is named.
        let prose = try parseText("# Bank\n\n## What is a mutex?\n\nA: a lock.\n\n## What is a semaphore?\n\nA counter.\n",
                                  name: "x.md")
        #expect(prose.notes.map(\.front) == ["What is a mutex?", "What is a semaphore?"])
        #expect(prose.notes[0].back == "A: a lock.")
        #expect(prose.warnings.map(\.description) == ["x.md:5: answer without a question (Q: … A:); it makes no card"])
    }

    @Test func emptyQuestionOrAnswer() {
        #expect(throws: ImportError.emptyAnswer(path: "x.md", line: 2)) { try parseText("Q: What?\nA:\n", name: "x.md") }
        #expect(throws: ImportError.emptyQuestion(path: "x.md", line: 1)) { try parseText("Q:\nA: yes\n", name: "x.md") }
        #expect(ImportError.emptyAnswer(path: "x.md", line: 2).description == "x.md:2: empty answer after A:")
    }

    @Test func clozeWithoutClosingBraces() {
        let path = Fixtures.path("cloze-unclosed.md")
        #expect(throws: ImportError.unclosedCloze(path: path, line: 3)) { try parseFixture("cloze-unclosed.md") }
        #expect(ImportError.unclosedCloze(path: "x.md", line: 3).description == "x.md:3: cloze {{c…:: is never closed with }}")
        #expect(throws: ImportError.unclosedCloze(path: "x.tsv", line: 2)) {
            try parseText("#separator:Tab\n{{c1::open\tback\n", name: "x.tsv")
        }
        // A later deletion's braces do not close an earlier one: deletions do not nest.
        #expect(throws: ImportError.unclosedCloze(path: "x.md", line: 3)) {
            try parseText("Intro.\n\nThe {{c1::unclosed cloze and {{c2::closed}}\n", name: "x.md")
        }
    }

    @Test func clozeBracketNeverClosedOrMissing() {
        #expect(throws: ImportError.unclosedBracket(path: "x.md", line: 2)) {
            try parseText("C: fine [one]\nand [never closed\n", name: "x.md")
        }
        #expect(throws: ImportError.clozeWithoutDeletion(path: "x.md", line: 1)) { try parseText("C: nothing hidden\n", name: "x.md") }
        #expect(ImportError.clozeWithoutDeletion(path: "x.md", line: 1).description
                == "x.md:1: cloze without a deletion (mark one with [hidden] or {{c1::hidden}})")
        #expect(ImportError.unclosedBracket(path: "x.md", line: 2).description == "x.md:2: cloze deletion [ is never closed with ]")
    }

    @Test func dashCardWithoutSeparator() {
        #expect(throws: ImportError.cardWithoutSeparator(path: "x.md", line: 9)) {
            try parseText("Front\n\n---\n\nBack\n\n===\n\nno separator here\n", name: "x.md")
        }
        #expect(ImportError.cardWithoutSeparator(path: "x.md", line: 7).description
                == "x.md:7: card without a --- line between front and back")
    }

    @Test func badHeaderValue() {
        #expect(throws: ImportError.badHeader(path: "x.csv", line: 1, header: "#separator:Nope")) {
            try parseText("#separator:Nope\na,b\n", name: "x.csv")
        }
        #expect(ImportError.badHeader(path: "x.csv", line: 1, header: "#html:maybe").description
                == "x.csv:1: unknown value in header #html:maybe")
    }
}
