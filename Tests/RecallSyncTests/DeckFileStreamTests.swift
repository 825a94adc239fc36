import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// Issue 13, streaming: `DeckFileStream` reads a deck file through a window and gives back
/// what `DeckReader` reads whole — the same decks, tombstones, media, keys and cards, and for a
/// bad file the same one-line error — while keeping only keys and byte ranges per card.
@Suite struct DeckFileStreamTests {
    /// Window sizes: the default, and one so small that nearly every value needs a refill.
    static let windows = [FileWindow.defaultCapacity, 64]

    /// A file with every kind of member pass 1 keeps whole or hands on: a byte-order mark,
    /// two decks (one empty), a card with an origin, a checkpoint, a future time and reviews out of
    /// order, tombstones of each kind, media, and unknown members, spread over lines.
    static let handMade = "\u{FEFF}" + """
        {"decks": [
          {"cards": [
            {"back": "a", "checkpoint": {"at": "2026-11-26T12:00:00.000Z", "state": {"difficulty": 5.5, "due": "2026-12-01T12:00:00.000Z",
              "ease": null, "interval_days": 5, "lapses": 0, "last_review": "2026-11-26T12:00:00.000Z", "phase": "review", "reps": 2,
              "stability": 4.25, "step": 0}},
             "created": "2026-11-25T12:00:00.000Z", "flag": 1, "flagged_at": "2026-11-27T12:00:00.000Z", "front": "q \\u00e9\\n\\"x\\"",
             "id": "c1", "kind": "reversed", "modified": "2099-01-01T00:00:00.000Z", "note": "n1", "ordinal": 2,
             "origin": {"answer_key": "", "content_key": "00112233aabbccdd", "file": "bank.md", "line": 12, "question_key": "0123456789abcdef"},
             "reviews": [{"at": "2026-11-27T12:00:00.000Z", "duration_ms": 1000, "id": "019abc12-0000-7000-8000-000000000002", "rating": 3},
                         {"at": "2026-11-25T12:00:00.000Z", "duration_ms": 1000, "id": "019abc12-0000-7000-8000-000000000001", "rating": 1}],
             "tags": ["t1", "ünï"], "unknown": {"deep": [1, 2, {"x": "]}"}]}},
            {"back": "b", "created": "2026-11-25T12:00:00.000Z", "front": "p", "id": "c2", "modified": "2026-11-25T12:00:00.000Z",
             "note": "n1", "reviews": [], "suspended": true, "suspended_at": "2026-11-28T12:00:00.000Z"}
          ], "config": {"desired_retention": "0.85"}, "id": "d1", "modified": "2026-11-25T12:00:00.000Z", "name": "Deck",
             "renamed": "2026-11-25T12:00:00.000Z"},
          {"cards": [], "config": {}, "id": "d2", "name": "Empty"},
          {"cards": [{"back": "c", "created": "2026-11-25T12:00:00.000Z", "front": "r", "id": "c3", "modified": "2026-11-25T12:00:00.000Z",
             "note": "n3", "reviews": [{"at": "2026-11-29T12:00:00.000Z", "id": "text-review-id", "rating": 4}]}],
           "config": {}, "id": "d3", "name": "Third", "modified": "2030-01-01T00:00:00.000Z"}
        ],
        "format": "recall-deck",
        "media": [{"name": "cat.png", "sha256": "\(String(repeating: "ab", count: 32))", "size": 10}],
        "tombstones": [
          {"deleted": "2026-11-30T12:00:00.000Z", "id": "gone-card", "kind": "card"},
          {"deleted": "2026-11-30T12:00:00.000Z", "id": "gone-note", "kind": "note"},
          {"deleted": "2099-11-30T12:00:00.000Z", "id": "gone-deck", "kind": "deck", "name": "Old", "modified": "2026-11-30T12:00:00.000Z"}
        ],
        "version": 2}
        """

    /// `stream` holds what `file` holds, card by card, whatever batches the cards are asked in.
    func expectSame(_ stream: DeckFileStream, _ file: DeckFile, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(stream.deckHeaders == file.deckHeaders, sourceLocation: sourceLocation)
        #expect(stream.tombstones == file.tombstones, sourceLocation: sourceLocation)
        #expect(stream.media == file.media, sourceLocation: sourceLocation)
        #expect(stream.cardCount == file.cardCount, sourceLocation: sourceLocation)
        #expect(stream.reviewCount == file.reviewCount, sourceLocation: sourceLocation)
        for index in 0..<file.cardCount {
            #expect(stream.cardKeys(index) == file.cardKeys(index), sourceLocation: sourceLocation)
        }
        let all = Array(0..<file.cardCount)
        let whole = try file.cards(all)
        let streamed = try stream.cards(all)
        #expect(streamed.map(\.deck) == whole.map(\.deck), sourceLocation: sourceLocation)
        #expect(streamed.map(\.card) == whole.map(\.card), sourceLocation: sourceLocation)
        // Every other card, and each card alone: runs that are not neighbours in the file.
        let odd = all.filter { $0 % 2 == 1 }
        #expect(try stream.cards(odd).map(\.card) == (try file.cards(odd)).map(\.card), sourceLocation: sourceLocation)
        for index in all {
            #expect(try stream.cards([index]).map(\.card) == (try file.cards([index])).map(\.card), sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: windows)
    func anExportedFileStreamsAsItReadsWhole(window: Int) throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let store = try RoundTripTests.storeWithEverything(folder)
        let path = folder.path("export.json")
        _ = try DeckExporter.export(store, toFile: path)
        let file = try DeckReader.read(path: path)
        #expect(!file.tombstones.isEmpty && file.decks.flatMap(\.cards).contains { $0.origin != nil })
        let (stream, future) = try DeckFileStream.open(path: path, name: nil, sizeLimit: DeckFile.defaultSizeLimit, now: nil,
                                                       windowSize: window)
        #expect(future.count == 0)
        try expectSame(stream, file)
    }

    @Test(arguments: windows)
    func aHandMadeFileStreamsAsItReadsWholeWithItsFutureTimesDisarmed(window: Int) throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("hand.json")
        try Data(Self.handMade.utf8).write(to: URL(fileURLWithPath: path))
        var file = try DeckReader.read(path: path)
        #expect(file.media.count == 1 && file.tombstones.count == 3 && file.decks.count == 3)
        #expect(file.decks[0].cards[0].checkpoint != nil)
        let wholeFuture = FutureTimes.disarm(&file, now: day(0))
        #expect(wholeFuture.count >= 3)
        let (stream, future) = try DeckFileStream.open(path: path, name: nil, sizeLimit: DeckFile.defaultSizeLimit, now: day(0),
                                                       windowSize: window)
        #expect(future == wholeFuture)
        try expectSame(stream, file)
    }

    /// Files of version 1 (BadInputTests.valid is one): cards upgraded as `DeckReader` does.
    @Test(arguments: windows)
    func aVersion1FileStreamsUpgradedAsItReadsWhole(window: Int) throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("v1.json")
        try Data(BadInputTests.valid.utf8).write(to: URL(fileURLWithPath: path))
        var file = try DeckReader.read(path: path)
        let wholeFuture = FutureTimes.disarm(&file, now: day(-400))
        #expect(wholeFuture.count > 0)
        let (stream, future) = try DeckFileStream.open(path: path, name: nil, sizeLimit: DeckFile.defaultSizeLimit,
                                                       now: day(-400), windowSize: window)
        #expect(future == wholeFuture)
        try expectSame(stream, file)
    }

    /// The error `DeckReader` gives for `text`, and the one the stream gives.
    func errors(_ text: String, window: Int) throws -> (whole: String, streamed: String) {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        var whole = "(no error)"
        var streamed = "(no error)"
        do { _ = try DeckReader.read(path: path, name: "deck.json") } catch { whole = error.description }
        do {
            _ = try DeckFileStream.open(path: path, name: "deck.json", sizeLimit: DeckFile.defaultSizeLimit, now: nil, windowSize: window)
        } catch {
            streamed = error.description
        }
        return (whole, streamed)
    }

    @Test(arguments: BadInputTests.cases.indices)
    func eachBadFileGivesTheErrorDeckReaderGives(index: Int) throws {
        let (what, text, expected) = BadInputTests.cases[index]
        for window in Self.windows {
            let (whole, streamed) = try errors(text, window: window)
            #expect(whole == expected, "\(what)")
            #expect(streamed == expected, "\(what), window \(window)")
        }
    }

    /// Syntax errors far into a file, after the window has let go of the start: the line and
    /// column are still counted from the start of the file.
    @Test func aSyntaxErrorDeepInABigFileHasItsLineAndColumn() throws {
        var text = Self.bigDeck(cards: 3000)
        let at = try #require(text.range(of: "\"front\": \"q2500\""))
        text.replaceSubrange(at, with: "\"front\": \"q2500\" \"x\"")
        for window in Self.windows {
            let (whole, streamed) = try errors(text, window: window)
            #expect(whole.hasPrefix("deck.json:2507:"))
            #expect(streamed == whole)
        }
        let truncated = String(text.prefix(text.utf8.count / 2))
        for window in Self.windows {
            let (whole, streamed) = try errors(truncated, window: window)
            #expect(whole.contains("invalid JSON"))
            #expect(streamed == whole)
        }
    }

    /// A deck file of `cards` cards over three decks, one card a line, each card with two
    /// reviews: ids `c<i>`, notes `n<i>`, reviews `r<i>a` and `r<i>b`.
    static func bigDeck(cards: Int) -> String {
        var text = "{\"decks\": [\n"
        let perDeck = (cards + 2) / 3
        for deck in 0..<3 {
            text += deck == 0 ? "" : ",\n"
            text += "{\"cards\": [\n"
            for i in deck * perDeck..<min(cards, (deck + 1) * perDeck) {
                text += i == deck * perDeck ? "" : ",\n"
                text += "{\"back\": \"b\", \"created\": \"2026-11-25T12:00:00.000Z\", \"front\": \"q\(i)\", \"id\": \"c\(i)\", "
                    + "\"modified\": \"2026-11-25T12:00:00.000Z\", \"note\": \"n\(i)\", \"reviews\": ["
                    + "{\"at\": \"2026-11-25T12:00:00.000Z\", \"duration_ms\": 1000, \"id\": \"r\(i)a\", \"rating\": 3}, "
                    + "{\"at\": \"2026-11-26T12:00:00.000Z\", \"duration_ms\": 1000, \"id\": \"r\(i)b\", \"rating\": 3}]}"
            }
            text += "\n], \"config\": {}, \"id\": \"d\(deck)\", \"name\": \"Deck \(deck)\"}"
        }
        return text + "\n],\n\"format\": \"recall-deck\",\n\"tombstones\": [{\"deleted\": \"2026-11-30T12:00:00.000Z\", \"id\": \"t1\", \"kind\": \"card\"},"
            + " {\"deleted\": \"2026-11-30T12:00:00.000Z\", \"id\": \"t2\", \"kind\": \"card\"}],\n\"version\": 2}\n"
    }

    static let duplicates: [(what: String, changes: [(String, String)], error: String)] = [
        ("a card id far apart", [("\"id\": \"c2500\"", "\"id\": \"c10\"")],
         "deck.json: decks[2].cards[500].id: card \"c10\" appears twice (also decks[0].cards[10])"),
        ("a review id far apart", [("\"id\": \"r2900b\"", "\"id\": \"r5a\"")],
         "deck.json: decks[2].cards[900].reviews[1].id: review id \"r5a\" appears twice (also decks[0].cards[5].reviews[0])"),
        ("a note's ordinal far apart", [("\"note\": \"n2800\"", "\"note\": \"n7\"")],
         "deck.json: decks[2].cards[800].ordinal: note \"n7\" has two cards with ordinal 1 (also decks[0].cards[7])"),
        ("a review id before a card id", [("\"id\": \"c2500\"", "\"id\": \"c10\""), ("\"id\": \"r1500b\"", "\"id\": \"r1400a\"")],
         "deck.json: decks[1].cards[500].reviews[1].id: review id \"r1400a\" appears twice (also decks[1].cards[400].reviews[0])"),
        ("a card id before a review id in the same card", [("\"id\": \"c1999\"", "\"id\": \"c3\""), ("\"id\": \"r1999a\"", "\"id\": \"r4b\"")],
         "deck.json: decks[1].cards[999].id: card \"c3\" appears twice (also decks[0].cards[3])"),
        ("a deck id after a card id in an earlier deck", [("\"id\": \"d2\"", "\"id\": \"d0\""), ("\"id\": \"c1500\"", "\"id\": \"c1400\"")],
         "deck.json: decks[1].cards[500].id: card \"c1400\" appears twice (also decks[1].cards[400])"),
        ("a deck id before its cards", [("\"id\": \"d1\"", "\"id\": \"d0\""), ("\"id\": \"c1500\"", "\"id\": \"c1400\"")],
         "deck.json: decks[1].id: deck id \"d0\" appears twice (also decks[0])"),
        ("a tombstone id", [("\"id\": \"t2\"", "\"id\": \"t1\"")],
         "deck.json: tombstones[1].id: \"t1\" appears twice (also tombstones[0])"),
        ("a review id three times", [("\"id\": \"r2000a\"", "\"id\": \"r100b\""), ("\"id\": \"r2900a\"", "\"id\": \"r100b\"")],
         "deck.json: decks[2].cards[0].reviews[0].id: review id \"r100b\" appears twice (also decks[0].cards[100].reviews[1])"),
    ]

    @Test(arguments: duplicates.indices)
    func aDuplicateFarApartIsReportedWithBothPlaces(index: Int) throws {
        let (what, changes, expected) = Self.duplicates[index]
        var text = Self.bigDeck(cards: 3000)
        for (old, new) in changes {
            #expect(text.components(separatedBy: old).count == 2, "\(what): \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        for window in Self.windows {
            let (whole, streamed) = try errors(text, window: window)
            #expect(whole == expected, "\(what)")
            #expect(streamed == expected, "\(what), window \(window)")
        }
    }

    /// Fingerprints cut to 3 bits, so that nearly every card id, (note, ordinal) and review id
    /// shares one with another: the cards sharing one are read again and compared, which finds
    /// no duplicate in a valid file, and the real one (with both places) in a bad file.
    @Test func fingerprintsThatCollideGiveNoErrorAndRealDuplicatesStillTheirs() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        func streamError(_ text: String) throws -> String? {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try DeckFileStream.open(path: path, name: "deck.json", sizeLimit: DeckFile.defaultSizeLimit, now: nil,
                                            windowSize: 4096, printMask: 0b111)
                return nil
            } catch {
                return error.description
            }
        }
        let valid = Self.bigDeck(cards: 300)
        #expect(try streamError(valid) == nil)
        for (old, new, expected) in [
            ("\"id\": \"c250\"", "\"id\": \"c10\"", "deck.json: decks[2].cards[50].id: card \"c10\" appears twice (also decks[0].cards[10])"),
            ("\"id\": \"r290b\"", "\"id\": \"r5a\"",
             "deck.json: decks[2].cards[90].reviews[1].id: review id \"r5a\" appears twice (also decks[0].cards[5].reviews[0])"),
            ("\"note\": \"n280\"", "\"note\": \"n7\"",
             "deck.json: decks[2].cards[80].ordinal: note \"n7\" has two cards with ordinal 1 (also decks[0].cards[7])"),
        ] {
            #expect(try streamError(valid.replacingOccurrences(of: old, with: new)) == expected)
        }
    }

    @Test func aBigValidFileStreamsInAnyWindow() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("big.json")
        try Data(Self.bigDeck(cards: 3000).utf8).write(to: URL(fileURLWithPath: path))
        let file = try DeckReader.read(path: path)
        #expect(file.cardCount == 3000 && file.reviewCount == 6000)
        for window in [FileWindow.defaultCapacity, 64, 1000] {
            let (stream, _) = try DeckFileStream.open(path: path, name: nil, sizeLimit: DeckFile.defaultSizeLimit, now: nil,
                                                      windowSize: window)
            #expect(stream.deckHeaders == file.deckHeaders)
            #expect((0..<3000).allSatisfy { stream.cardKeys($0) == file.cardKeys($0) })
            #expect(try stream.cards(Array(0..<3000)).map(\.card) == file.decks.flatMap(\.cards))
            #expect(try stream.cards(Array(stride(from: 0, to: 3000, by: 7))).map(\.deck) == (try file.cards(Array(stride(from: 0, to: 3000, by: 7)))).map(\.deck))
        }
    }

    // MARK: Files that change

    @Test func aFileRewrittenAfterPass1IsCaughtByCheckUnchanged() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        let text = Self.bigDeck(cards: 30)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let (stream, _) = try DeckFileStream.open(path: path)
        try stream.checkUnchanged()
        // Rewritten in place, same size: a card's text changes under the stream (after a pause,
        // so that the file's times change: the kernel's clock ticks every few milliseconds).
        usleep(50_000)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.write(contentsOf: Data(text.replacingOccurrences(of: "\"q7\"", with: "\"Q7\"").utf8))
        try handle.close()
        #expect(throws: SyncError.changedWhileReading(file: path)) { try stream.checkUnchanged() }
        #expect(throws: SyncError.changedWhileReading(file: path)) { try stream.cards([7]) }
    }

    @Test func aFileReplacedByRenameAfterPass1IsCaughtByCheckUnchanged() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        try Data(Self.bigDeck(cards: 30).utf8).write(to: URL(fileURLWithPath: path))
        let (stream, _) = try DeckFileStream.open(path: path, name: "deck.json")
        try Data(Self.bigDeck(cards: 31).utf8).write(to: URL(fileURLWithPath: folder.path("other.json")))
        #expect(rename(folder.path("other.json"), path) == 0)
        #expect(throws: SyncError.changedWhileReading(file: "deck.json")) { try stream.checkUnchanged() }
        // The file it opened lost its name (its change time moved): cards are refused too.
        #expect(throws: SyncError.changedWhileReading(file: "deck.json")) { try stream.cards([29]) }
    }

    @Test(arguments: windows)
    func aFileChangedDuringPass1IsRefused(window: Int) throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        try Data(Self.bigDeck(cards: 300).utf8).write(to: URL(fileURLWithPath: path))
        FileContents.$duringRead.withValue({ path in
            let handle = FileHandle(forWritingAtPath: path)
            _ = try? handle?.seekToEnd()
            try? handle?.write(contentsOf: Data("  ".utf8))
            try? handle?.close()
        }) {
            #expect(throws: SyncError.changedWhileReading(file: "deck.json")) {
                try DeckFileStream.open(path: path, name: "deck.json", sizeLimit: DeckFile.defaultSizeLimit, now: nil, windowSize: window)
            }
        }
    }

    @Test func filesThatAreNotRegularOrTooLargeAreRefusedAsDeckReaderRefusesThem() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("deck.json")
        try Data(Self.bigDeck(cards: 3).utf8).write(to: URL(fileURLWithPath: path))
        let size = try #require(FileStamp.of(path)).size
        #expect(throws: SyncError.tooLarge(file: path, bytes: Int(size), limit: Int(size))) {
            try DeckFileStream.open(path: path, sizeLimit: Int(size))
        }
        #expect(throws: SyncError.cannotRead(file: folder.url.path, reason: "it is a folder")) {
            try DeckFileStream.open(path: folder.url.path)
        }
        #expect(throws: SyncError.self) { try DeckFileStream.open(path: folder.path("missing.json")) }
    }
}
