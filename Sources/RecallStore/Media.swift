import Foundation
import RecallModel
import RecallScheduler

/// A media file the store knows: the name card text uses and the content it names.
public struct MediaFile: Sendable, Equatable {
    public var name: String
    /// SHA-256 of the content, lowercase hex: the file's name in the media folder.
    public var sha256: String
    public var size: Int

    public init(name: String, sha256: String, size: Int) {
        self.name = name
        self.sha256 = sha256
        self.size = size
    }
}

/// Media (pictures and sounds that card text names) live beside the store: each file once, by
/// content, in `mediaFolder`, and the `media` table maps the names cards use to the content.
/// Files are written before the transaction that records them and never overwritten (a name is
/// its content), so a failed import leaves at most an unreferenced file, never a broken one.
extension Store {
    /// The media folder beside the store: `recall.media/` for `recall.sqlite`.
    public var mediaFolder: String {
        let base = (path as NSString).deletingPathExtension
        return (base.isEmpty ? path : base) + ".media"
    }

    /// A media name made safe to keep and to write into a folder: the last path component,
    /// without control characters, and neither empty nor `.`/`..`. Nil when nothing is left.
    /// Untrusted names (a package's media map, a deck file) go through this on the way in.
    public static func safeMediaName(_ raw: String) -> String? {
        let lastComponent = raw.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(String.UnicodeScalarView(lastComponent.unicodeScalars.filter {
            !($0.properties.generalCategory == .control || $0.properties.generalCategory == .format
                || $0.properties.generalCategory == .lineSeparator || $0.properties.generalCategory == .paragraphSeparator)
        })).trimmingCharacters(in: .whitespaces)
        if cleaned.isEmpty || cleaned == "." || cleaned == ".." { return nil }
        return String(cleaned.prefix(200))
    }

    /// The names a reference in card text may mean, in order: as written, percent-decoded (Anki
    /// writes `a%20b.png`), and its last component made safe (a bank's `img/a.png`, or a deck
    /// file's `../a.png`, is kept as `a.png`).
    public static func mediaNameCandidates(for reference: String) -> [String] {
        var names = [reference]
        if let decoded = reference.removingPercentEncoding, decoded != reference { names.append(decoded) }
        for each in names {
            if let safe = safeMediaName(each), !names.contains(safe) { names.append(safe) }
        }
        return names
    }

    /// Writes `data` into the media folder under its hash, unless a file of that hash is there,
    /// and returns the hash. Call it before the `write` that records the name (`recordMedia`).
    public func saveMediaContent(_ data: Data) throws(StoreError) -> String {
        let hash = SHA256.hex(of: data)
        let folder = mediaFolder
        let target = folder + "/" + hash
        if FileManager.default.fileExists(atPath: target) { return hash }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let temporary = folder + "/." + hash + ".partial"
            try data.write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, target)
        } catch {
            throw .invalid("cannot write media into \(folder): \(error.localizedDescription)")
        }
        return hash
    }

    /// Records that `name` names the content `sha256` (inside a `write`). When `name` already
    /// names other content, the file gets a free name (`photo-2.png`) instead: the name it gets
    /// is returned, and card text must use that one.
    @discardableResult
    public func recordMedia(name: String, sha256: String, size: Int, at now: Millis) throws(StoreError) -> String {
        var candidate = name
        var counter = 1
        while true {
            let existing = try db.row("SELECT sha256 FROM media WHERE name = ?", [.text(candidate)]) { $0.text(0) ?? "" }
            if existing == nil {
                try db.run(
                    "INSERT INTO media(name, sha256, size, added) VALUES (?, ?, ?, ?)",
                    [.text(candidate), .text(sha256), .integer(Int64(size)), .integer(now)])
                return candidate
            }
            if existing == sha256 { return candidate }
            counter += 1
            let ext = (name as NSString).pathExtension
            let stem = (name as NSString).deletingPathExtension
            candidate = ext.isEmpty ? "\(stem)-\(counter)" : "\(stem)-\(counter).\(ext)"
        }
    }

    /// The media file `name` refers to, or nil when the store has none of that name.
    public func media(named name: String) throws(StoreError) -> MediaFile? {
        try db.row("SELECT name, sha256, size FROM media WHERE name = ?", [.text(name)]) {
            MediaFile(name: $0.text(0) ?? "", sha256: $0.text(1) ?? "", size: $0.intValue(2))
        }
    }

    /// Every media file the store knows, by name.
    public func allMedia() throws(StoreError) -> [MediaFile] {
        try db.rows("SELECT name, sha256, size FROM media ORDER BY name") {
            MediaFile(name: $0.text(0) ?? "", sha256: $0.text(1) ?? "", size: $0.intValue(2))
        }
    }

    /// The path of a media file's content in the media folder (it may be missing on disk when a
    /// peer's copy has not arrived yet).
    public func mediaContentPath(_ file: MediaFile) -> String { mediaFolder + "/" + file.sha256 }
}
