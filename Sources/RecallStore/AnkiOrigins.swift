import Foundation
import RecallModel
import RecallScheduler

/// An Anki note as the package that brought it in had it (`anki_notes`, migration 0005): what
/// `recall export --anki` writes back, so that Anki sees the same note (GUID, note type, fields).
public struct AnkiNoteOrigin: Sendable, Equatable {
    public var guid: String
    /// The note type as compact JSON (`{"name", "kind", "fields", "templates", "css"}`).
    public var noteTypeJSON: String
    /// The fields (HTML) in the note type's order.
    public var fields: [String]
    public var tags: [String]
    /// The note's modification time in the package, ms.
    public var modified: Millis

    public init(guid: String, noteTypeJSON: String, fields: [String], tags: [String], modified: Millis) {
        self.guid = guid
        self.noteTypeJSON = noteTypeJSON
        self.fields = fields
        self.tags = tags
        self.modified = modified
    }
}

/// Which Anki card a recall note is (`anki_cards`): the Anki note's GUID and the card's `ord`.
public struct AnkiCardOrigin: Sendable, Equatable, Hashable {
    public var guid: String
    public var ordinal: Int

    public init(guid: String, ordinal: Int) {
        self.guid = guid
        self.ordinal = ordinal
    }
}

extension Store {
    /// The Anki card behind each recall note that came from an Anki package, by recall note id.
    /// Notes made in recall are not in it.
    public func ankiCardOrigins() throws(StoreError) -> [Int64: AnkiCardOrigin] {
        var result: [Int64: AnkiCardOrigin] = [:]
        let statement = try db.prepare("SELECT note_id, guid, ordinal FROM anki_cards")
        while try statement.step() {
            result[statement.int64Value(0)] = AnkiCardOrigin(guid: statement.textValue(1), ordinal: statement.intValue(2))
        }
        return result
    }

    /// The Anki notes of these GUIDs that the store keeps, by GUID.
    public func ankiNoteOrigins(guids: Set<String>) throws(StoreError) -> [String: AnkiNoteOrigin] {
        var result: [String: AnkiNoteOrigin] = [:]
        guard !guids.isEmpty else { return result }
        let statement = try db.prepare("SELECT guid, note_type, fields, tags, modified FROM anki_notes")
        // A few note types serve every note: each one's JSON is made into a String once.
        var noteTypes: [(bytes: [UInt8], text: String)] = []
        func noteType(_ bytes: UnsafeRawBufferPointer) -> String {
            if let known = noteTypes.first(where: { $0.bytes.elementsEqual(bytes) }) { return known.text }
            let text = String(decoding: bytes, as: UTF8.self)
            if noteTypes.count < 64 { noteTypes.append((Array(bytes), text)) }
            return text
        }
        while try statement.step() {
            let guid = statement.textValue(0)
            guard guids.contains(guid) else { continue }
            result[guid] = AnkiNoteOrigin(
                guid: guid, noteTypeJSON: statement.withUTF8(1, noteType),
                fields: statement.withUTF8(2) { Self.split($0, at: 0x1F, omittingEmpty: false) },
                tags: statement.withUTF8(3) { Self.split($0, at: UInt8(ascii: " "), omittingEmpty: true) },
                modified: statement.int64Value(4))
        }
        return result
    }

    /// UTF-8 text split at an ASCII byte, straight from SQLite's buffer (splitting a Swift
    /// String walks it by Character: a tenth of a 50,000-note export).
    static func split(_ bytes: UnsafeRawBufferPointer, at separator: UInt8, omittingEmpty: Bool) -> [String] {
        var parts: [String] = []
        var start = 0
        for index in 0...bytes.count where index == bytes.count || bytes[index] == separator {
            if !(omittingEmpty && index == start) {
                parts.append(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
            }
            start = index + 1
        }
        return parts
    }
}
