import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// A fresh folder under the system temporary directory, removed when the value goes away.
/// Tests that keep a store open in it extend its lifetime with `withExtendedLifetime`.
final class TemporaryFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("recall-sync-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Tests/Fixtures/, found from this file's path (STYLE.md, "Fixtures").
func fixtureURL(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name)
}

let utc = TimeZone(identifier: "UTC") ?? .current

/// 2026-11-25T12:00:00Z, and whole days and minutes from it.
let day0: Millis = 1_795_608_000_000
func day(_ n: Int, minutes: Int = 0) -> Millis { day0 + Millis(n) * millisPerDay + Millis(minutes) * millisPerMinute }

/// An empty store (no bundled deck) in `folder`.
func makeStore(_ folder: TemporaryFolder, _ name: String) throws -> Store {
    try Store(path: folder.path(name + ".sqlite"))
}

extension Store {
    /// The whole export as text.
    func exportText(_ selection: DeckExporter.Selection = DeckExporter.Selection()) throws -> String {
        String(decoding: try DeckExporter.exportBytes(self, selection), as: UTF8.self)
    }

    /// Merges deck-file text into the store in one transaction.
    @discardableResult
    func importText(_ text: String, name: String = "deck.json") throws -> MergeReport {
        let file = try DeckReader.parse(Array(text.utf8), file: name)
        return try write { try DeckMerge.merge([file], into: self, timeZone: utc) }
    }

    /// Answers a card inside a transaction, as `recall answer` does.
    func answerCard(_ id: Int64, _ rating: Rating, at now: Millis) throws {
        _ = try write { try answer(cardID: id, rating: rating, durationMS: 3000, now: now, timeZone: utc) }
    }

    /// The card with this front, for tests that find cards by text.
    func card(front: String) throws -> CardRecord {
        try #require(try cards().first { $0.front == front }, "no card with front \(front)")
    }
}
