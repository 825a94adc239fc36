import Foundation
import RecallAnki
import RecallModel
import RecallScheduler
import RecallStore
import ZIPFoundation

/// Test fixtures (Tests/Fixtures/anki), a store per test in its own folder, and packages made
/// on the spot (damaged ones) with ZIPFoundation.
enum Fixture {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/anki")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The expected JSON beside a package (`basic.expected.json`, `generated/history.expected.json`).
    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: folder.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// 2026-01-17 12:00 UTC: the day the generated packages were exported (their last session).
    static let exportDay: Millis = 1_768_651_200_000
    static let utc = TimeZone(identifier: "UTC") ?? .current
}

/// A folder that goes away with the value.
final class TemporaryFolder {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("recall-anki-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func store() throws -> Store { try Store(path: path("store/recall.sqlite")) }
}

extension Store {
    /// What a failed import must leave as it was: every note, card (with its state), review,
    /// deck and media name.
    func everything() throws -> String {
        var lines: [String] = []
        for card in try cards() {
            lines.append("\(card.id) \(card.guid) \(card.deck) \(card.front) \(card.back) \(card.tags) \(card.state) \(card.suspended) \(card.flag)")
        }
        for (id, reviews) in try syncReviews(ofCards: try cards().map(\.id)).sorted(by: { $0.key < $1.key }) {
            lines.append("\(id): " + reviews.map { "\($0.id) \($0.at) \($0.rating)" }.joined(separator: ","))
        }
        lines += try decks().map { "\($0.name) \($0.config)" }
        lines += try allMedia().map { "\($0.name) \($0.sha256)" }
        lines += try ankiCards().map { "\($0.guid) \($0.ordinal) \($0.cardID)" }
        return lines.joined(separator: "\n")
    }
}

/// Zips made in tests.
enum PackageMaker {
    /// A zip of `entries` (name, bytes, deflated or stored) at `path`.
    static func zip(_ path: String, _ entries: [(String, Data, Bool)]) throws {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, data, deflate) in entries {
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count),
                                 compressionMethod: deflate ? .deflate : .none) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// Every entry of an existing package, to rebuild it with changes.
    static func entries(of path: String) throws -> [(String, Data, Bool)] {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        var result: [(String, Data, Bool)] = []
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            result.append((entry.path, data, false))
        }
        return result
    }

    /// A genanki package whose collection was changed by `sql` (run on a copy of it).
    static func changedCollection(of package: String, to path: String, folder: TemporaryFolder, sql: String) throws {
        var entries = try entries(of: package)
        guard let index = entries.firstIndex(where: { $0.0 == "collection.anki2" }) else { return }
        let file = folder.path("collection-\(UUID().uuidString).anki2")
        try entries[index].1.write(to: URL(fileURLWithPath: file))
        do {
            let db = try Database(path: file, create: false)
            try db.execute(sql)
        }
        entries[index].1 = try Data(contentsOf: URL(fileURLWithPath: file))
        try zip(path, entries)
    }
}
