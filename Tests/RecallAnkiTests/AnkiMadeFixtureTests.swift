import Foundation
import RecallStore
import Testing
import ZIPFoundation

/// The packages Anki itself wrote (scripts/make-anki-fixtures.py) are what their expected JSON
/// says they are: whole zips with the entries of their generation, so that the importer's tests
/// against them test the importer, not a broken fixture.
@Suite struct AnkiMadeFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/anki/anki-made")

    func load(_ package: String) throws -> (expected: [String: Any], entries: [String: Data]) {
        let stem = (package as NSString).deletingPathExtension
        let json = try Data(contentsOf: Self.folder.appendingPathComponent(stem + ".expected.json"))
        let expected = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
        let archive = try Archive(url: Self.folder.appendingPathComponent(package), accessMode: .read)
        var entries: [String: Data] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }  // checks each entry's CRC
            entries[entry.path] = data
        }
        return (expected, entries)
    }

    static let zstdMagic = Data([0x28, 0xB5, 0x2F, 0xFD])
    static let sqliteMagic = Data("SQLite format 3\u{0}".utf8)

    @Test(arguments: ["modern.apkg", "collection.colpkg"])
    func modernPackagesHoldAZstdCollectionAndZstdMedia(_ package: String) throws {
        let (expected, entries) = try load(package)
        #expect(entries.keys.sorted() == (expected["zip_entries"] as? [String] ?? []))
        #expect(entries["meta"] == Data([0x08, 0x03]))
        #expect(entries["collection.anki21b"]?.prefix(4) == Self.zstdMagic)
        #expect(entries["media"]?.prefix(4) == Self.zstdMagic)
        #expect(entries["0"]?.prefix(4) == Self.zstdMagic && entries["1"]?.prefix(4) == Self.zstdMagic)
        #expect(entries["collection.anki2"]?.prefix(16) == Self.sqliteMagic, "the decoy")
    }

    @Test func theLegacyPackageHoldsTheExpectedNotesCardsAndRevlog() throws {
        let (expected, entries) = try load("legacy.apkg")
        #expect(entries.keys.sorted() == (expected["zip_entries"] as? [String] ?? []))
        #expect(entries["meta"] == Data([0x08, 0x02]))
        let map = try JSONSerialization.jsonObject(with: entries["media"] ?? Data()) as? [String: String] ?? [:]
        let media = (expected["media"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(Set(map.values) == Set(media))
        for (entry, name) in map {
            let size = (expected["media"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["size"] as? Int
            #expect(entries[entry]?.count == size)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("anki-made-\(UUID().uuidString).anki21")
        defer { try? FileManager.default.removeItem(at: file) }
        try (entries["collection.anki21"] ?? Data()).write(to: file)
        let db = try Database(path: file.path, create: false)
        let counts = expected["counts"] as? [String: Int] ?? [:]
        #expect(try db.scalarInt("SELECT count(*) FROM notes") == Int64(counts["notes"] ?? -1))
        #expect(try db.scalarInt("SELECT count(*) FROM cards") == Int64(counts["cards"] ?? -1))
        #expect(try db.scalarInt("SELECT count(*) FROM revlog") == Int64(counts["revlog"] ?? -1))
        let guids = Set(try db.rows("SELECT guid FROM notes") { $0.textValue(0) })
        let expectedGUIDs = Set((expected["notes"] as? [[String: Any]] ?? []).compactMap { $0["guid"] as? String })
        #expect(guids == expectedGUIDs)
        // The history the importer must keep: learning, review, relearning, a lapse, a suspension.
        #expect(try db.scalarInt("SELECT count(*) FROM cards WHERE type = 3") ?? 0 >= 1)
        #expect(try db.scalarInt("SELECT count(*) FROM cards WHERE queue = -1") ?? 0 >= 1)
        #expect(try db.scalarInt("SELECT count(*) FROM cards WHERE lapses > 0") ?? 0 >= 1)
        #expect(try db.scalarInt("SELECT count(*) FROM cards WHERE data LIKE '%\"s\":%'") ?? 0 >= 1)
    }
}
