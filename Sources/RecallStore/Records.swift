import Foundation
import RecallModel
import RecallScheduler

/// A deck and its options.
public struct DeckRecord: Sendable, Equatable {
    public var id: Int64
    public var name: String
    /// Scheduler options as stored (JSON); `options` decodes them.
    public var config: String
    public var created: Millis
    public var modified: Millis
}

/// A deck with what is left in it: new, in learning, due for review today, and in total.
public struct DeckSummary: Sendable, Equatable {
    public var name: String
    public var new: Int
    public var learning: Int
    public var due: Int
    public var total: Int
    public var suspended: Int
}

/// One card with the note it shows, as the CLI and the JSON files see it.
public struct CardRecord: Sendable, Equatable {
    /// Short id shown to users; never reused.
    public var id: Int64
    /// Identity across machines (sync and export).
    public var guid: String
    public var noteID: Int64
    public var noteGUID: String
    public var deckID: Int64
    public var deck: String
    public var kind: NoteKind
    public var ordinal: Int
    /// The note's text; for reversed and cloze siblings, what a card shows is derived from it.
    public var front: String
    public var back: String
    public var tags: [String]
    public var source: String?
    public var sourceLine: Int?
    public var created: Millis
    /// The latest change to the card or its note.
    public var modified: Millis
    public var suspended: Bool
    public var buriedUntil: Int?
    public var flag: Int
    public var state: CardState
}

/// Tags are stored space-separated; a tag never contains whitespace.
enum Tags {
    static func encode(_ tags: [String]) -> String {
        // The usual tags (ASCII words without spaces or commas, none twice) are kept as they are.
        if tags.count < 2 || tags.count <= 8 && Set(tags).count == tags.count,
            tags.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") } })
        {
            return tags.joined(separator: " ")
        }
        var seen = Set<String>()
        return tags.flatMap { $0.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init) }
            .filter { seen.insert($0).inserted }
            .joined(separator: " ")
    }

    static func decode(_ text: String) -> [String] {
        text.split(separator: " ").map(String.init)
    }
}
