import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// Issue 7, "Bad input": each one gives a one-line error naming the problem and where it is
/// (JSON path, or line:column for text that is not JSON), and leaves the store unchanged.
@Suite struct BadInputTests {
    static let valid = """
        {
          "decks": [
            {
              "cards": [
                {"back": "a", "created": "2026-11-25T12:00:00.000Z", "front": "q", "id": "c1", "modified": "2026-11-25T12:00:00.000Z",
                 "note": "n1", "reviews": [{"at": "2026-11-25T12:00:00.000Z", "duration_ms": 1000, "id": "r1", "rating": 3}]},
                {"back": "b", "created": "2026-11-25T12:00:00.000Z", "front": "p", "id": "c2", "modified": "2026-11-25T12:00:00.000Z",
                 "note": "n2", "reviews": [{"at": "2026-11-26T12:00:00.000Z", "duration_ms": 1000, "id": "r2", "rating": 3}]}
              ],
              "config": {},
              "name": "D"
            }
          ],
          "format": "recall-deck",
          "version": 1
        }
        """

    /// `valid` with one piece replaced.
    static func valid(replacing old: String, with new: String) -> String {
        valid.replacingOccurrences(of: old, with: new)
    }

    /// A card's `origin` member, with one value replaced.
    static func origin(line: String = "12", content: String = "\"00112233aabbccdd\"") -> String {
        "{\"answer_key\": \"\", \"content_key\": \(content), \"file\": \"bank.md\", \"line\": \(line), \"question_key\": \"0123456789abcdef\"}"
    }

    static let cases: [(what: String, text: String, error: String)] = [
        ("not JSON", "Q: What is a GIL?\nA: A lock.\n", "deck.json:1:1: invalid JSON: unexpected 'Q'"),
        ("an empty file", "", "deck.json:1:1: invalid JSON: the file is empty"),
        ("a missing comma", valid(replacing: "\"format\": \"recall-deck\",", with: "\"format\": \"recall-deck\""),
         "deck.json:15:3: invalid JSON: expected ',' or '}', found '\"'"),
        ("a half-written file", String(valid.prefix(300)), "deck.json:7:17: invalid JSON: unexpected end of file"),
        ("text after the JSON", valid + "\n{}", "deck.json:17:1: invalid JSON: unexpected '{' after the end of the JSON value"),
        ("JSON of another shape", "[{\"id\": 1, \"front\": \"q\"}]",
         "deck.json: not a recall deck file: it holds an array, not an object with \"format\": \"recall-deck\""),
        ("an object without format", "{\"cards\": []}", "deck.json: not a recall deck file: it has no \"format\": \"recall-deck\" member"),
        ("another format", valid(replacing: "\"recall-deck\"", with: "\"anki-deck\""),
         "deck.json: not a recall deck file: its \"format\" is \"anki-deck\", not \"recall-deck\""),
        ("an unknown version", valid(replacing: "\"version\": 1", with: "\"version\": 3"),
         "deck.json: version: unsupported deck file version 3 (this recall reads versions 1 and 2)"),
        ("a rating of 7", valid(replacing: "\"id\": \"r2\", \"rating\": 3", with: "\"id\": \"r2\", \"rating\": 7"),
         "deck.json: decks[0].cards[1].reviews[0].rating: must be 1-4, got 7"),
        ("a review id twice", valid(replacing: "\"id\": \"r2\"", with: "\"id\": \"r1\""),
         "deck.json: decks[0].cards[1].reviews[0].id: review id \"r1\" appears twice (also decks[0].cards[0].reviews[0])"),
        ("a card id twice", valid(replacing: "\"id\": \"c2\"", with: "\"id\": \"c1\""),
         "deck.json: decks[0].cards[1].id: card \"c1\" appears twice (also decks[0].cards[0])"),
        ("a date that does not parse", valid(replacing: "\"at\": \"2026-11-26T12:00:00.000Z\"", with: "\"at\": \"2026-02-30T12:00:00.000Z\""),
         "deck.json: decks[0].cards[1].reviews[0].at: not a valid time: \"2026-02-30T12:00:00.000Z\" (expected e.g. \"2026-11-25T12:00:00.000Z\")"),
        ("a date that is not a time", valid(replacing: "\"created\": \"2026-11-25T12:00:00.000Z\", \"front\": \"q\"", with: "\"created\": \"yesterday\", \"front\": \"q\""),
         "deck.json: decks[0].cards[0].created: not a valid time: \"yesterday\" (expected e.g. \"2026-11-25T12:00:00.000Z\")"),
        ("a missing field", valid(replacing: "\"front\": \"p\", ", with: ""), "deck.json: decks[0].cards[1]: missing \"front\""),
        ("a value of the wrong type", valid(replacing: "\"front\": \"p\"", with: "\"front\": 5"),
         "deck.json: decks[0].cards[1].front: must be a string, got 5"),
        ("a negative duration", valid(replacing: "\"duration_ms\": 1000, \"id\": \"r2\"", with: "\"duration_ms\": -5, \"id\": \"r2\""),
         "deck.json: decks[0].cards[1].reviews[0].duration_ms: must be a whole number of milliseconds, 0 or more, got -5"),
        ("an unknown option", valid(replacing: "\"config\": {}", with: "\"config\": {\"colour\": \"blue\"}"),
         "deck.json: decks[0].config.colour: unknown option (see `recall config`)"),
        ("an option out of range", valid(replacing: "\"config\": {}", with: "\"config\": {\"desired_retention\": \"2\"}"),
         "deck.json: decks[0].config.desired_retention: desired_retention must be between 0.70 and 0.99, got 2"),
        ("a store-wide option", valid(replacing: "\"config\": {}", with: "\"config\": {\"rollover_hour\": \"5\"}"),
         "deck.json: decks[0].config.rollover_hour: rollover_hour applies to a whole store, not to one deck"),
        ("an unknown kind", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"kind\": \"image\""),
         "deck.json: decks[0].cards[1].kind: must be \"basic\", \"reversed\" or \"cloze\", got \"image\""),
        ("a tag with a space", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"tags\": [\"two words\"]"),
         "deck.json: decks[0].cards[1].tags[0]: a tag cannot be empty or contain spaces or commas, got \"two words\""),
        ("a deck name with spaces around it", valid(replacing: "\"name\": \"D\"", with: "\"name\": \" D\""),
         "deck.json: decks[0].name: invalid deck name \" D\": it starts or ends with a space"),
        ("a deck name with an empty part", valid(replacing: "\"name\": \"D\"", with: "\"name\": \"a::::b\""),
         "deck.json: decks[0].name: invalid deck name \"a::::b\": it has an empty part (nothing before, after or between \"::\")"),
        ("a deck name with a control character", valid(replacing: "\"name\": \"D\"", with: "\"name\": \"h\\u001b[31m\""),
         "deck.json: decks[0].name: invalid deck name \"h\\u001b[31m\": it contains a control character (U+001B)"),
        ("a bad tombstone", valid(replacing: "\"format\"", with: "\"tombstones\": [{\"deleted\": \"2026-11-25T12:00:00.000Z\", \"id\": \"x\", \"kind\": \"image\"}], \"format\""),
         "deck.json: tombstones[0].kind: must be \"card\", \"note\" or \"deck\", got \"image\""),
        ("a bad re-import key", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"origin\": " + origin(content: "\"XYZ\"")),
         "deck.json: decks[0].cards[1].origin.content_key: must be 16 lowercase hex digits or empty, got \"XYZ\""),
        ("an origin without its file", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"origin\": "
            + origin().replacingOccurrences(of: "\"file\": \"bank.md\", ", with: "")),
         "deck.json: decks[0].cards[1].origin: missing \"file\""),
        ("an origin on line 0", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"origin\": " + origin(line: "0")),
         "deck.json: decks[0].cards[1].origin.line: must be a line number, 1 or more, or null, got 0"),
        ("an origin that is not an object", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"origin\": \"bank.md\""),
         "deck.json: decks[0].cards[1].origin: must be an object, got \"bank.md\""),
        ("a move that is not a time", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"moved\": 12"),
         "deck.json: decks[0].cards[1].moved: must be a time like \"2026-11-25T12:00:00.000Z\", got 12"),
        // Issue 14 item 1: -2^63 trapped ("arithmetic overflow") while the digits were negated.
        ("an ordinal of -2^63", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"ordinal\": -9223372036854775808"),
         "deck.json: decks[0].cards[1].ordinal: must be a whole number 1-999, got -9223372036854775808"),
        ("an ordinal of 2^63", valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"ordinal\": 9223372036854775808"),
         "deck.json: decks[0].cards[1].ordinal: must be a whole number 1-999, got 9223372036854775808"),
        ("a duration of -2^63", valid(replacing: "\"duration_ms\": 1000, \"id\": \"r2\"", with: "\"duration_ms\": -9223372036854775808, \"id\": \"r2\""),
         "deck.json: decks[0].cards[1].reviews[0].duration_ms: must be a whole number of milliseconds, 0 or more, got -9223372036854775808"),
        ("nesting too deep", String(repeating: "[", count: 100), "deck.json:1:65: invalid JSON: nested more than 64 levels deep"),
    ]

    @Test(arguments: cases.indices)
    func badInputIsRefusedWithItsPlaceAndTheStoreIsUnchanged(index: Int) throws {
        let (what, text, expected) = Self.cases[index]
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try makeStore(folder, "store")
        _ = try store.write { try store.addNote(deck: "D", front: "existing", back: "card", now: day(0)) }
        let before = try store.syncFingerprint()
        let path = folder.path("deck.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try DeckMerge.importFile(path: path, into: store, timeZone: utc)
            Issue.record("\(what): imported")
        } catch {
            let line = "\(error)".replacingOccurrences(of: folder.url.path + "/", with: "")
            #expect(line == expected, "\(what)")
            #expect(!line.contains("\n"))
        }
        #expect(try store.syncFingerprint() == before, "\(what): the store changed")
    }

    /// The default limit is a sanity cap far above any real collection (issue 13: the tool's own
    /// export of 100,000 cards and a million reviews, ~200 MB, comes back without a flag).
    @Test func aFileOf2GigabytesIsRefusedBeforeItIsRead() throws {
        let folder = TemporaryFolder()
        let path = folder.path("big.json")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("{".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 2_000_000_000)  // sparse: no disk space used
        try handle.close()
        #expect(throws: SyncError.tooLarge(file: "big.json", bytes: 2_000_000_000, limit: 2_000_000_000)) {
            try DeckReader.read(path: path, name: "big.json")
        }
        #expect(SyncError.tooLarge(file: "big.json", bytes: 2_000_000_000, limit: 2_000_000_000).description
            == "big.json: the file is 2.0 GB, and deck files must be smaller than 2.0 GB; to read it, raise the limit with --max-file-size 2100MB")
        #expect(SyncError.tooLarge(file: "big.json", bytes: 200_000_000, limit: 100_000_000).description
            == "big.json: the file is 200.0 MB, and deck files must be smaller than 100.0 MB; to read it, raise the limit with --max-file-size 300MB")
        #expect(SyncError.tooLarge(file: "d.json", bytes: 12_345, limit: 10_000).description
            == "d.json: the file is 12.3 KB, and deck files must be smaller than 10.0 KB; to read it, raise the limit with --max-file-size 1MB")
        #expect(SyncError.tooLarge(file: "d.json", bytes: 2_500_000, limit: 1_000_000).description.hasSuffix("--max-file-size 3MB"))
    }

    @Test func aRaisedLimitReadsAFileTheDefaultRefuses() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        try Data(Self.valid.utf8).write(to: URL(fileURLWithPath: path))
        let size = Self.valid.utf8.count
        #expect(throws: SyncError.tooLarge(file: "deck.json", bytes: size, limit: size)) {
            try DeckReader.read(path: path, name: "deck.json", sizeLimit: size)
        }
        #expect(try DeckReader.read(path: path, name: "deck.json", sizeLimit: size + 1).decks.count == 1)
        // Sync skips the file under the limit it is given, and reads it under a larger one.
        let store = try makeStore(folder, "store")
        let shared = folder.path("shared")
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try Data(Self.valid.utf8).write(to: URL(fileURLWithPath: shared + "/peer.json"))
        let refused = try FolderSync.sync(store: store, folder: shared, timeZone: utc, sizeLimit: size)
        #expect(refused.warnings == ["skipped peer.json: " + SyncError.tooLarge(file: "peer.json", bytes: size, limit: size).description])
        #expect(try store.cards().isEmpty)
        let read = try FolderSync.sync(store: store, folder: shared, timeZone: utc, sizeLimit: size + 1)
        #expect(read.warnings.isEmpty)
        #expect(read.report.cardsAdded == 2)
    }

    @Test(arguments: [
        ("300MB", 300_000_000), ("300mb", 300_000_000), ("300 M", 300_000_000), ("1.5GB", 1_500_000_000), ("1g", 1_000_000_000),
        ("250000000", 250_000_000), ("64KB", 64_000), ("10b", 10), ("1000GB", 1_000_000_000_000),
    ])
    func sizesAreReadWithDecimalUnits(text: String, bytes: Int) {
        #expect(DeckFile.parseSize(text) == bytes)
    }

    @Test(arguments: ["", "lots", "MB", "0", "0MB", "-5MB", "1.2.3GB", ".5GB", "5.GB", "2TB", "1001GB", "5 MiB", "1e9"])
    func sizesThatAreNotSizesAreRefused(text: String) {
        #expect(DeckFile.parseSize(text) == nil)
    }

    @Test func anOriginIsReadWithANullLineAndEmptyKeys() throws {
        let text = Self.valid(replacing: "\"front\": \"p\"", with: "\"front\": \"p\", \"origin\": " + Self.origin(line: "null"))
        let file = try DeckReader.parse(Array(text.utf8), file: "deck.json")
        #expect(file.decks.first?.cards.last?.origin
            == NoteOrigin(file: "bank.md", line: nil, questionKey: "0123456789abcdef", answerKey: "", contentKey: "00112233aabbccdd"))
        #expect(file.decks.first?.cards.first?.origin == nil)
    }

    @Test func textThatIsNotUTF8IsRefused() {
        var bytes = Array(Self.valid.utf8)
        let at = bytes.firstIndex(of: UInt8(ascii: "q")) ?? 0
        bytes[at] = 0xFF
        #expect(throws: SyncError.syntax(file: "deck.json", line: 5, column: 72, message: "invalid UTF-8 in a string")) {
            try DeckReader.parse(bytes, file: "deck.json")
        }
    }

    @Test func escapesAreDecoded() throws {
        let text = Self.valid(replacing: "\"front\": \"q\"", with: #""front": "\u00e9\n\"\\\/\ud83c\udf89""#)
        let file = try DeckReader.parse(Array(text.utf8), file: "deck.json")
        #expect(file.decks.first?.cards.first?.front == "é\n\"\\/🎉")
        let lone = Self.valid(replacing: "\"front\": \"q\"", with: #""front": "\ud83c""#)
        #expect(throws: SyncError.self) { try DeckReader.parse(Array(lone.utf8), file: "deck.json") }
    }

    @Test func theFirstProblemIsReportedWhenThereAreSeveral() throws {
        let text = Self.valid(replacing: "\"rating\": 3", with: "\"rating\": 9")
        #expect(throws: SyncError.invalid(file: "deck.json", path: "decks[0].cards[0].reviews[0].rating", message: "must be 1-4, got 9")) {
            try DeckReader.parse(Array(text.utf8), file: "deck.json")
        }
    }
}
