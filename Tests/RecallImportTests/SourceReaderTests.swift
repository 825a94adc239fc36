import Foundation
import Testing
@testable import RecallImport

@Suite struct SourceReaderTests {
    @Test func aDirectoryImportsEveryCardFileBelowItWithNestedDecks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("go.md", "Q: a?\nA: b\n")
        try dir.write("lang/rust.markdown", "x :: y\n")
        try dir.write("lang/deep/words.tsv", "Haus\thouse\n")
        try dir.write("notes.txt", "Q: c?\nA: d\n")
        try dir.write(".hidden/secret.md", "Q: e?\nA: f\n")
        try dir.write("image.png", "png")
        let files = try SourceReader().read(dir.path)
        #expect(files.map(\.path) == ["go.md", "lang/deep/words.tsv", "lang/rust.markdown", "notes.txt"].map { dir.path + "/" + $0 })
        #expect(files.map(\.deckName) == ["go", "lang::deep::words", "lang::rust", "notes"])
        #expect(files.map(\.format) == [.markdown, .delimited, .markdown, .markdown])
        let parsed = try SourceReader().parse(files)
        #expect(parsed.notes.map(\.deck) == ["go", "lang::deep::words", "lang::rust", "notes"])
        #expect(parsed.notes.map(\.source) == files.map(\.path))
    }

    @Test func explicitDeckNameWinsForEveryFile() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        try dir.write("a.md", "x :: y\n")
        try dir.write("sub/b.md", "x :: y\n")
        let files = try SourceReader().read([dir.path], deck: "Python")
        #expect(files.map(\.deckName) == ["Python", "Python"])
        #expect(files.allSatisfy { $0.deckIsExplicit })
    }

    @Test func aFileGetsItsDeckFromItsName() throws {
        let files = try SourceReader().read(Fixtures.path("explicit-qa.md"))
        #expect(files.map(\.deckName) == ["explicit-qa"])
        #expect(files.map(\.path) == [Fixtures.path("explicit-qa.md")])
    }

    @Test func textFilesWithAnkiHeadersAreDelimited() throws {
        #expect(SourceReader.format(path: "export.txt", text: "#separator:tab\na\tb\n") == .delimited)
        #expect(SourceReader.format(path: "notes.txt", text: "# Notes\n") == .markdown)
        #expect(SourceReader.format(path: "x.CSV", text: "") == .delimited)
        #expect(SourceReader.format(path: "x.pdf", text: "") == nil)
    }

    @Test func utf16SpreadsheetExportsAreDecoded() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var data = Data([0xFF, 0xFE])
        for unit in "Straße\tstreet\r\n".utf16 { data.append(contentsOf: [UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let path = try dir.write("words.txt", data)
        let file = try #require(try SourceReader().read(path).first)
        #expect(file.text == "Straße\tstreet\n")
    }

    @Test(arguments: [false, true])
    func utf32FilesAreDecodedNotTakenForUTF16(bigEndian: Bool) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var data = Data(bigEndian ? [0, 0, 0xFE, 0xFF] : [0xFF, 0xFE, 0, 0])
        for scalar in "Straße\tstreet 🦆\r\n".unicodeScalars {
            let v = scalar.value
            let bytes = [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
            data.append(contentsOf: bigEndian ? bytes : bytes.reversed())
        }
        let path = try dir.write("words.txt", data)
        let file = try #require(try SourceReader().read(path).first)
        #expect(file.text == "Straße\tstreet 🦆\n")
    }

    @Test(arguments: [
        ("Hereâ€™s an example", "Here’s an example"),
        ("â€œquotedâ€\u{9D} and â€“ dash â€” long", "“quoted” and – dash — long"),
        ("cafÃ© and naÃ¯ve", "café and naïve"),
        ("emoji ðŸ˜€!", "emoji 😀!"),
        ("Ã¢â‚¬â„¢ double", "’ double"),
        ("Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "привет"),
    ])
    func mojibakeIsRepaired(_ broken: String, _ fixed: String) {
        #expect(TextDecoding.repairMojibake(broken) == fixed)
    }

    @Test(arguments: [
        "café naïve Ærøskøbing", "„Straße“ und „Maß“", "Ç’est", "© 2024 — 5 €", "Â", "ÃÃÃ", "Ã test", "½ cup · ¾ l",
        "plain ASCII", "привет 😀 中文",
    ])
    func legitimateTextIsNeverTouched(_ text: String) {
        #expect(TextDecoding.repairMojibake(text) == text)
    }

    @Test func lineEndingsAndByteOrderMarkAreNormalised() {
        let decoded = TextDecoding.decode(Array("\u{FEFF}a\r\nb\rc\n".utf8))
        #expect(decoded.text == "a\nb\nc\n")
        #expect(decoded.windows1252AtLine == nil)
    }

    @Test func windows1252DecodingMapsTheHighControlRange() {
        let text = String(decoding: TextDecoding.windows1252ToUTF8([0x80, 0x92, 0x9F, 0xE9, 0x41]), as: UTF8.self)
        #expect(text == "€’Ÿé" + "A")
    }
}

/// The digest an unchanged bank is recognised by is the same whether the reader hashes the bytes
/// it parsed or the import's quick check streams them from the file.
@Suite struct FileDigestTests {
    @Test(arguments: [0, 7, 8, 1 << 20, (1 << 20) + 3, (5 << 19) + 1])
    func streamingAndInMemoryDigestsAgree(size: Int) throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let path = try dir.write("bank.md", Data(bytes))
        #expect(FileDigest.ofFile(path) == FileDigest.of(bytes))
        #expect(FileDigest.of(bytes).size == size)
        if size > 0 {
            var edited = bytes
            edited[size / 2] ^= 1
            #expect(FileDigest.of(edited) != FileDigest.of(bytes))
        }
    }

    @Test func aFileReadFromDiskCarriesTheDigestOfItsBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.cleanUp() }
        let path = try dir.write("bank.md", "Q: a?\nA: b\n")
        #expect(try SourceReader().read(path).first?.digest == FileDigest.of(Array("Q: a?\nA: b\n".utf8)))
    }
}
