import Foundation
import RecallStore
import Testing
import ZIPFoundation

/// `recall export --anki` from the binary: the package it writes, opened as Anki opens it.
@Suite struct AnkiExportCommandTests {
    /// The `collection.anki21` of a package, with the zip's entry names.
    final class Package {
        let names: Set<String>
        let db: Database
        private let file: URL

        init(_ path: String) throws {
            let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
            names = Set(archive.map(\.path))
            var data = Data()
            if let entry = archive["collection.anki21"] { _ = try archive.extract(entry) { data.append($0) } }
            file = FileManager.default.temporaryDirectory.appendingPathComponent("recall-cli-apkg-\(UUID().uuidString)")
            try data.write(to: file)
            db = try Database(path: file.path, create: false)
        }

        deinit { try? FileManager.default.removeItem(at: file) }

        func ints(_ sql: String) throws -> [[Int64]] {
            try db.rows(sql) { row in (0..<Int32(row.columnCount)).map { row.int64Value($0) } }
        }
    }

    func sandboxWithHistory() throws -> RecallSandbox {
        let sandbox = RecallSandbox(now: "2026-11-01T10:00:00Z")
        try sandbox.ok(["init", "--empty"])
        let bank = sandbox.path("bank.md")
        try "Capital of France? :: **Paris**\n\nperro ::: dog\n\nC: The [mitochondria] powers the [cell].\n"
            .write(toFile: bank, atomically: true, encoding: .utf8)
        try sandbox.ok(["import", bank, "--deck", "Lang::FR"])
        try "Other question :: other answer\n".write(toFile: sandbox.path("other.md"), atomically: true, encoding: .utf8)
        try sandbox.ok(["import", sandbox.path("other.md"), "--deck", "Other"])
        try sandbox.ok(["answer", "1", "good", "--duration", "5000"])
        try sandbox.ok(["answer", "1", "good"], environment: ["RECALL_NOW": "2026-11-01T10:15:00Z"])
        try sandbox.ok(["answer", "2", "again"], environment: ["RECALL_NOW": "2026-11-01T10:20:00Z"])
        return sandbox
    }

    @Test func exportWritesAPackageAndSaysWhatIsInIt() throws {
        let sandbox = try sandboxWithHistory()
        let target = sandbox.path("deck.apkg")
        let output = try sandbox.ok(["export", "--anki", target], environment: ["RECALL_NOW": "2026-11-05T09:00:00Z"])
        #expect(output == "exported 4 notes, 6 cards, 3 reviews, 0 media files to \(target)\n")
        let package = try Package(target)
        #expect(package.names == ["meta", "collection.anki21", "collection.anki2", "media"])
        #expect(try package.ints("SELECT count(*) FROM notes") == [[4]])
        // Card 1 graduated on Nov 1 to a review due on a later day; in Anki its due day counts from crt.
        let crt = try package.ints("SELECT crt FROM col")[0][0]
        let card = try package.ints("SELECT type, queue, due, reps FROM cards ORDER BY id LIMIT 1")[0]
        let shown = try sandbox.json(["show", "1", "--json"]) as? [String: Any]
        let due = ((shown?["state"] as? [String: Any])?["due"] as? String) ?? ""
        let dueDay = ISO8601DateFormatter().date(from: due.replacingOccurrences(of: ".000", with: ""))
            .map { Int64($0.timeIntervalSince1970 - 4 * 3600) / 86_400 } ?? -1
        #expect(card[0] == 2 && card[1] == 2 && card[3] == 2)
        #expect(card[2] == dueDay - (crt - 4 * 3600) / 86_400)
        #expect(try package.ints("SELECT ease, time FROM revlog ORDER BY id") == [[3, 5000], [3, 0], [1, 0]])
    }

    @Test func oneDeckWithoutHistoryIsNewCardsOnly() throws {
        let sandbox = try sandboxWithHistory()
        let target = sandbox.path("share.apkg")
        let output = try sandbox.ok(["export", "--anki", target, "--deck", "Lang", "--no-history"])
        #expect(output.hasPrefix("exported 3 notes, 5 cards, 0 reviews, 0 media files"))
        let package = try Package(target)
        #expect(try package.ints("SELECT count(*) FROM revlog") == [[0]])
        #expect(try package.ints("SELECT DISTINCT type, queue FROM cards") == [[0, 0]])
    }

    @Test func badTargetsFailWithOneLineAndWriteNothing() throws {
        let sandbox = try sandboxWithHistory()
        let target = sandbox.path("never.apkg")
        let unknown = try sandbox.fails(["export", "--anki", target, "--deck", "Nope"])
        #expect(unknown.contains("Nope"))
        #expect(!FileManager.default.fileExists(atPath: target))
        let folder = try sandbox.fails(["export", "--anki", sandbox.path("missing/x.apkg")])
        #expect(folder.contains("does not exist"))
        let store = try sandbox.fails(["export", "--anki", sandbox.dbPath])
        #expect(store.contains("is the store itself"))
        try sandbox.fails(["export", "--anki", target, "-o", sandbox.path("x.json")], status: 64)
    }
}
