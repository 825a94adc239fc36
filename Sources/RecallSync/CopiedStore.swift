import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// A store copied to a second machine keeps its device id, so both copies would write the same
/// `DIR/<id>.json` and each skip it as its own: they would never sync (issue 14 item 4). A store
/// therefore remembers what it last wrote there (the file's stamp, and a hash of its bytes), and
/// a sync that finds its file holding something else knows another store wrote it: it takes a
/// new device id, and merges that file like any peer's.
extension FolderSync {
    /// The setting holding the FNV-64 hash of the bytes this store last wrote as its own file in
    /// the folder.
    static func ownHashKey(_ folder: String) -> String { "sync.own-hash:" + folder }

    /// The hash of a file's bytes; nil when it cannot be read.
    static func contentHash(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hash = FNV64()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            chunk.withUnsafeBytes { hash.add($0) }
        }
        return hash.hex
    }

    /// Whether the file at `ownPath` was written by another store with our device id: it is
    /// not what this store last wrote there (by stamp, then by content hash), it is a deck
    /// file, and it holds a review this store never had (not in its log, nor in its trash). A
    /// broken file, or one with nothing new, is ours to replace as before.
    static func ownFileWrittenElsewhere(store: Store, ownPath: String, folder: String, recordKey: String) throws -> Bool {
        guard let stamp = FileStamp.of(ownPath) else { return false }
        if let record = try store.setting(recordKey), record.split(separator: "\n").contains(Substring("own \(stamp)")) {
            return false
        }
        if let hash = try store.setting(ownHashKey(folder)), contentHash(ownPath) == hash { return false }
        guard let file = try? DeckFileStream.open(path: ownPath).stream else { return false }
        // A chunk of cards at a time: the file may be large.
        var start = 0
        while start < file.cardCount {
            let end = min(start + 8192, file.cardCount)
            guard let cards = try? file.cards(Array(start..<end)) else { return false }
            if try !store.knowsEveryReview(cards.flatMap { $0.card.reviews.map(\.id.description) }) { return true }
            start = end
        }
        return false
    }

    /// Gives the store a new device id, in one write; returns it.
    static func takeNewDeviceID(_ store: Store) throws -> String {
        let id = (0..<8).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        try store.write { try store.setSetting("device_id", id) }
        return id
    }
}
