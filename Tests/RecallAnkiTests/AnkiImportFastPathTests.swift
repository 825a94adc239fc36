import Foundation
@testable import RecallAnki
@testable import RecallStore
import Testing

/// The shortcuts a large import takes must give what the long way gives: a card's memory state
/// read without Foundation's JSON objects, and a field's Markdown reused for another card.
@Suite struct AnkiImportFastPathTests {
    /// The memory state the long way: JSONSerialization's objects, as the importer read it before.
    func slowMemoryState(_ data: String) -> (Double?, Double?, Int64?) {
        let memory = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]
        return ((memory?["s"] as? NSNumber)?.doubleValue, (memory?["d"] as? NSNumber)?.doubleValue,
                (memory?["lrt"] as? NSNumber)?.int64Value)
    }

    @Test func aCardsMemoryStateReadsAsJSONSerializationReadsIt() {
        let samples = [
            "", "{}", " { } ", #"{"s":12.3456,"d":5.1234,"dr":0.9,"decay":0.1542,"lrt":1700000000}"#,
            #"{"s":3,"d":7}"#, #"{ "s" : 0.1 , "d" : 10.0 , "lrt" : 1 }"#, #"{"s":1e2,"d":-0.5E-1}"#,
            #"{"s":2.5,"d":4.25,"lrt":1.7e9}"#, #"{"s":"3.2","d":5}"#, #"{"s":true,"d":5}"#, #"{"s":null,"d":5}"#,
            #"{"s":1.5,"s":2.5}"#, #"{"cd":{"x":1},"s":4.5,"d":6.5}"#, #"{"s\u0020":1,"d":2}"#, #"{"s":01,"d":2}"#,
            #"{"s":1.,"d":2}"#, #"{"s":1,"d":2,}"#, #"{"s":1,"d":2} x"#, "not json", #"[1,2]"#,
            #"{"s":123456789012345678901234,"d":2}"#, #"{"s":1e400,"d":2}"#, #"{"lrt":-5,"s":-0,"d":2}"#,
            #"{"s":0.30000000000000004,"d":2}"#, #"{"s":76.0445,"d":6.247,"lrt":1762225979}"#, #"{"s":-0.0,"d":123456789.123456}"#,
        ]
        for sample in samples {
            let fast = AnkiImporter.memoryState(sample)
            let slow = slowMemoryState(sample)
            #expect(fast.stability == slow.0 && fast.difficulty == slow.1 && fast.lastReview == slow.2, "\(sample)")
        }
    }

    /// Leading whitespace is never content, so the Markdown kept for a field serves the same
    /// field after "\n\n" (a stock template's answer side), whatever the field holds.
    @Test func markdownKeptForAFieldIsItsMarkdownAfterLeadingWhitespace() throws {
        var fields = [
            "plain", "  spaced  out ", "<pre>code\n  indented</pre>", "<code>a\nb</code>", "&nbsp;x", "[[type:Back]]y",
            "<li>item</li>", "<!-- c --><b>bold</b>", "1. not a list", "# not a heading", "<pre>\nfirst line</pre>",
            "<div><br></div>a", "\u{A0}lead", "<style>p{}</style>text", "<br>a<br>", "<img src=\"a b.png\">",
        ]
        for name in AnkiFixtures.packageNames {
            for note in try AnkiFixtures.expected(name).notes { fields += note.fields.values }
        }
        for field in fields {
            let expected = AnkiHTML.markdown(fromHTML: field)
            for prefix in ["", "\n\n", " ", "\t\r\n ", "\r\n"] {
                #expect(AnkiHTML.markdown(fromHTML: prefix + field) == expected, "\(prefix.debugDescription) + \(field.debugDescription)")
                var cache = AnkiHTML.MarkdownCache()
                _ = cache.markdown(fromHTML: "\n" + field)
                #expect(cache.markdown(fromHTML: prefix + field) == expected)
            }
        }
    }
}

/// A large package into a store without cards is written through a rollback journal
/// (`Store.writeInBulk`); the store it leaves must be the one the write-ahead log leaves.
@Suite struct AnkiBulkImportTests {
    /// Every row recall keeps of an import, table by table, in id order.
    static func rows(_ store: Store) throws -> [String] {
        var rows: [String] = []
        for table in ["decks", "notes", "cards", "review_log", "anki_notes", "anki_cards", "card_checkpoints", "media"] {
            let statement = try store.db.prepare("SELECT * FROM \(table) ORDER BY 1, 2")
            while try statement.step() {
                rows.append(table + ": " + (0..<Int32(statement.columnCount)).map { statement.text($0) ?? "null" }.joined(separator: "|"))
            }
        }
        return rows
    }

    @Test(arguments: ["generated/history.apkg", "generated/history.colpkg", "anki-made/modern.apkg"])
    func aPackageImportedInBulkLeavesTheStoreTheLogLeaves(name: String) throws {
        let folder = TemporaryFolder()
        var modes: [String] = []
        var stores: [Store] = []
        for (label, threshold) in [("bulk", 1), ("log", 1_000_000)] {
            let store = try Store(path: folder.path("\(label).sqlite"))
            var mode = ""
            _ = try AnkiImporter.$bulkCards.withValue(threshold) {
                try AnkiImporter.run(path: Fixture.path(name), into: store, deckPrefix: nil, dryRun: false, now: Fixture.exportDay,
                                     timeZone: Fixture.utc) { phase in
                    if phase == "media" { mode = ((try? store.db.row("PRAGMA journal_mode") { $0.textValue(0) }) ?? nil) ?? "?" }
                }
            }
            modes.append(mode)
            #expect(try store.db.row("PRAGMA journal_mode") { $0.textValue(0) } == "wal")
            stores.append(store)
        }
        #expect(modes == ["delete", "wal"])
        let bulk = try Self.rows(stores[0])
        #expect(bulk.count > 10)
        #expect(bulk == (try Self.rows(stores[1])))
    }
}
