import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// Media travelling with deck files. Beside a deck file, a `media/` folder holds each file once,
/// named by its SHA-256 (as in the store's media folder); the deck file's `media` list says
/// which name stands for which content. Files are written atomically and never replaced (a
/// name is its content), and read back only when their bytes hash to their name.
public enum MediaTransfer {
    /// The folder beside a deck file (or in a sync folder) that holds the media files.
    public static func folder(besideDeckFile path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return (directory.isEmpty ? "." : directory) + "/media"
    }

    /// Largest media file taken from a deck file's folder or a sync folder.
    public static let maximumFileSize = 512 << 20

    /// The size of `path` when it is a regular file, not a link or anything else (a link in a
    /// shared folder could make recall read a device, a pipe or a file elsewhere); nil otherwise.
    static func regularFileSize(_ path: String) -> Int? {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    /// Whether `path` is a folder itself, not a link to one elsewhere.
    static func isRealFolder(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The media files that `texts` refer to, by name, each once: a reference is matched as
    /// written, percent-decoded, or by its last path component.
    static func used(by texts: [String], known: [String: MediaFile]) -> [MediaFile] {
        guard !known.isEmpty else { return [] }
        var found: [String: MediaFile] = [:]
        for text in texts { collect(usedBy: text, known: known, into: &found) }
        return sorted(found)
    }

    /// Adds the media files `text` refers to to `found`, by name (`used(by:known:)` one text
    /// at a time, for an export that streams its cards).
    static func collect(usedBy text: String, known: [String: MediaFile], into found: inout [String: MediaFile]) {
        for reference in MediaReferences.names(in: text) {
            let candidates = Store.mediaNameCandidates(for: reference)
            if let file = candidates.lazy.compactMap({ known[$0] }).first { found[file.name] = file }
        }
    }

    /// The files `collect` found, by name.
    static func sorted(_ found: [String: MediaFile]) -> [MediaFile] {
        found.values.sorted { utf8Less($0.name, $1.name) }
    }

    /// Copies the content of `files` from the store's media folder into `folder` (created when
    /// needed), each as `<sha256>`, skipping those already there. A file the store lacks (a
    /// peer's not synced yet) is skipped too. Returns the number copied.
    @discardableResult
    public static func copyOut(_ files: [MediaFile], from store: Store, to folder: String) throws -> Int {
        var copied = 0
        var created = false
        if FileManager.default.fileExists(atPath: folder) {
            guard isRealFolder(folder) else {
                throw SyncError.cannotWrite(file: folder, reason: "it is not a folder (a link is not followed)")
            }
            created = true
        }
        for file in files where isHash(file.sha256) {
            let target = folder + "/" + file.sha256
            let source = store.mediaContentPath(file)
            guard !FileManager.default.fileExists(atPath: target), FileManager.default.fileExists(atPath: source) else { continue }
            if !created {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw SyncError.cannotWrite(file: folder, reason: "cannot create the media folder")
                }
                created = true
            }
            let temporary = folder + "/." + file.sha256 + "." + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            do {
                try FileManager.default.copyItem(atPath: source, toPath: temporary)
            } catch {
                try? FileManager.default.removeItem(atPath: temporary)
                throw SyncError.cannotWrite(file: target, reason: "cannot copy media \(file.name)")
            }
            guard rename(temporary, target) == 0 else {
                try? FileManager.default.removeItem(atPath: temporary)
                throw SyncError.cannotWrite(file: target, reason: "cannot copy media \(file.name)")
            }
            copied += 1
        }
        return copied
    }

    /// Brings the content of `files` from `folder` into the store's media folder, for those the
    /// store lacks, after checking that each file's bytes hash to its name. Call it before the
    /// write that records the names. Returns one warning per file missing or damaged.
    /// `warnMissing: false` for retries of files a peer has listed but not yet copied.
    public static func copyIn(
        _ files: [MediaFile], from folder: String, into store: Store, source: String, warnMissing: Bool = true
    ) -> [String] {
        var warnings: [String] = []
        guard files.contains(where: { !FileManager.default.fileExists(atPath: store.mediaContentPath($0)) }) else { return [] }
        if FileManager.default.fileExists(atPath: folder), !isRealFolder(folder) {
            return ["\(source): \(folder) is a link, not a folder; no media taken from it"]
        }
        for file in files where isHash(file.sha256) {
            if FileManager.default.fileExists(atPath: store.mediaContentPath(file)) { continue }
            let path = folder + "/" + file.sha256
            guard FileManager.default.fileExists(atPath: path) else {
                if !warnMissing { continue }
                warnings.append("\(source): media \(file.name) is not in \(folder); its cards show it once it arrives")
                continue
            }
            guard let size = regularFileSize(path), size <= maximumFileSize else {
                warnings.append("\(source): media \(file.name) in \(folder) is not a regular file of at most 512 MB; not taken")
                continue
            }
            guard let data = FileManager.default.contents(atPath: path), SHA256.hex(of: data) == file.sha256 else {
                warnings.append("\(source): media \(file.name) in \(folder) does not match its hash; not taken")
                continue
            }
            do {
                _ = try store.saveMediaContent(data)
            } catch {
                warnings.append("\(source): media \(file.name): \(error)")
            }
        }
        return warnings
    }

    /// Records `files`' names in the store (inside a write): a name the store already gives to
    /// other content keeps the store's (the two are told apart by a warning, not renamed).
    public static func record(_ files: [MediaFile], in store: Store, now: Millis, source: String) throws -> [String] {
        var warnings: [String] = []
        for file in files {
            if let existing = try store.media(named: file.name) {
                if existing.sha256 != file.sha256 {
                    warnings.append("\(source): media \(file.name) differs from this store's file of that name; keeping this store's")
                }
                continue
            }
            try store.recordMedia(name: file.name, sha256: file.sha256, size: file.size, at: now)
        }
        return warnings
    }
}
