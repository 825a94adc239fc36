import Foundation
import RecallModel
import RecallStore
import RecallSync

/// `recall-bench deck-json read|write ours|foundation FILE [STORE]`: one side of the comparison
/// of recall's hand-written deck-file reader and writer with Foundation's JSONDecoder and
/// JSONEncoder (scripts/bench-deck-json.sh runs each in its own process, so that its peak RSS is
/// its own, and records BENCHMARKS.md's figures).
///
/// - read ours: `DeckReader.read` (read, parse, check every value, build `DeckFile`).
/// - read stream: `DeckFileStream.open` (pass 1: read, parse and check every value through a
///   window, keep each card's keys), then every card read again in batches of 4,096, as a merge
///   takes them (issue 13, streaming); prints the RSS after pass 1 and the peak of each part.
/// - read foundation: `JSONDecoder` into Codable mirrors of the same shape, then every time
///   string parsed, which is less checking than ours does.
/// - write ours: `DeckExporter.export` of STORE to a file (SQLite reads included).
/// - write foundation: the STORE's export decoded first (not timed), then `JSONEncoder`
///   (sorted keys, pretty) of the mirrors to a file: the encoding alone.
enum DeckJSONBench {
    struct File: Codable {
        var decks: [Deck]
        var format: String
        var tombstones: [Tomb]?
        var version: Int
    }
    struct Deck: Codable {
        var cards: [Card]
        var config: [String: String]
        var modified: String?
        var name: String
    }
    struct Card: Codable {
        var back: String
        var created: String
        var front: String
        var id: String
        var kind: String?
        var modified: String
        var moved: String?
        var note: String
        var ordinal: Int?
        var origin: Origin?
        var reviews: [ReviewRow]?
        var state: State?
        var suspended: Bool?
        var tags: [String]?
    }
    struct ReviewRow: Codable {
        var at: String
        var duration_ms: Int64
        var id: String
        var rating: Int
    }
    struct State: Codable {
        var difficulty: Double?
        var due: String?
        var lapses: Int
        var last_review: String?
        var phase: String
        var reps: Int
        var stability: Double?
    }
    struct Origin: Codable {
        var answer_key: String
        var content_key: String
        var file: String
        var line: Int?
        var question_key: String
    }
    struct Tomb: Codable {
        var deleted: String
        var id: String
        var kind: String
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 3 else { return usage() }
        let (direction, side, path) = (arguments[0], arguments[1], arguments[2])
        let start = DispatchTime.now().uptimeNanoseconds
        var detail = ""
        do {
            switch (direction, side) {
            case ("read", "ours"):
                let file = try DeckReader.read(path: path, sizeLimit: DeckFile.maximumSizeLimit)
                detail = "\(file.decks.reduce(0) { $0 + $1.cards.count }) cards"
            case ("read", "stream"):
                let (stream, _) = try DeckFileStream.open(path: path, sizeLimit: DeckFile.maximumSizeLimit)
                let pass1 = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let afterPass1 = memory()
                var reviews = 0
                var batch = 0
                while batch < stream.cardCount {
                    let cards = try stream.cards(Array(batch..<min(batch + 4096, stream.cardCount)))
                    for (_, card) in cards { reviews += card.reviews.count }
                    batch += 4096
                }
                try stream.checkUnchanged()
                detail = String(format: "%d cards, %d reviews; pass 1 %.2f s, peak RSS %d MB, RSS after it %d MB; "
                    + "all cards read again: peak RSS %d MB", stream.cardCount, reviews, pass1, afterPass1.peak, afterPass1.now,
                    memory().peak)
            case ("read", "foundation"):
                let file = try decode(path)
                var times = 0
                for deck in file.decks {
                    for card in deck.cards {
                        times += ISOTime.parse(card.created) == nil ? 0 : 1
                        times += ISOTime.parse(card.modified) == nil ? 0 : 1
                        for review in card.reviews ?? [] { times += ISOTime.parse(review.at) == nil ? 0 : 1 }
                    }
                }
                detail = "\(file.decks.reduce(0) { $0 + $1.cards.count }) cards, \(times) times"
            case ("write", "ours"):
                guard arguments.count >= 4 else { return usage() }
                let store = try Store(path: arguments[3])
                _ = try DeckExporter.export(store, toFile: path)
            case ("write", "foundation"):
                guard arguments.count >= 4 else { return usage() }
                let store = try Store(path: arguments[3])
                let file = try JSONDecoder().decode(File.self, from: Data(DeckExporter.exportBytes(store)))
                let encodeStart = DispatchTime.now().uptimeNanoseconds
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                try encoder.encode(file).write(to: URL(fileURLWithPath: path))
                detail = String(format: "encode alone %.2f s", Double(DispatchTime.now().uptimeNanoseconds - encodeStart) / 1e9)
            default:
                return usage()
            }
        } catch {
            FileHandle.standardError.write(Data("recall-bench: \(error)\n".utf8))
            return 1
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "%@ %@: %.2f s%@", direction, side, seconds, detail.isEmpty ? "" : " (\(detail))"))
        return 0
    }

    /// This process's resident memory now and at its peak, in MB (/proc/self/status).
    private static func memory() -> (now: Int, peak: Int) {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func field(_ name: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
                  let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
            return kilobytes / 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    private static func decode(_ path: String) throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private static func usage() -> Int32 {
        FileHandle.standardError.write(Data("usage: recall-bench deck-json read|write ours|foundation|stream FILE [STORE]\n".utf8))
        return 64
    }
}
