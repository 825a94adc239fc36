import Foundation
import RecallImport
import RecallModel
import RecallScheduler
import RecallStore

/// The local pictures a Markdown or CSV bank shows (`![x](img/a.png)`), brought into the
/// store's media folder with the cards that show them.
///
/// A reference is resolved against the folder of the file that makes it and must stay inside
/// the bank's folder (the file's folder, or the folder imported): `../secret.png`, an absolute
/// path or a symbolic link that leads out is left as written, with a warning. The reference
/// becomes the stored name, the file's name with the first 8 hex digits of its SHA-256
/// (`a-1f2e3d4c.png`): two pictures of one name in different folders stay apart, an edited
/// picture gives the card new text (so a re-import and a sync carry it), and an unchanged bank
/// rewrites to the same text every time.
struct BankMedia {
    struct Staged {
        var name: String
        var sha256: String
        var data: Data
    }

    /// The files to store, by stored name.
    private(set) var staged: [String: Staged] = [:]
    private(set) var warnings: [ImportWarning] = []

    /// Largest picture a bank may bring (the store keeps each one whole).
    static let maximumFileSize = 64 << 20

    /// `![alt](target)` or `![alt](target "title")`, the target with or without angle brackets.
    private static let pattern = try? NSRegularExpression(
        pattern: #"(!\[[^\[\]\n]*\]\(\s*)(<[^<>\n]+>|[^()\s<>]+)((?:\s+"[^"\n]*")?\s*\))"#)

    /// `text` with each local picture it shows replaced by its stored name.
    mutating func rewrite(_ text: String, file: String, bankFolder: String, line: Int) -> String {
        guard text.contains("!["), let pattern = Self.pattern else { return text }
        let source = text as NSString
        var result = ""
        var position = 0
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: source.length)) {
            let targetRange = match.range(at: 2)
            var target = source.substring(with: targetRange)
            if target.hasPrefix("<") { target = String(target.dropFirst().dropLast()) }
            guard let name = stage(target, file: file, bankFolder: bankFolder, line: line) else { continue }
            result += source.substring(with: NSRange(location: position, length: targetRange.location - position))
            result += name
            position = targetRange.location + targetRange.length
        }
        result += source.substring(from: position)
        return result
    }

    /// The stored name for the picture `target` names, or nil to leave the reference as written
    /// (a URL, or a file that is missing, too large or outside the bank).
    private mutating func stage(_ target: String, file: String, bankFolder: String, line: Int) -> String? {
        let decoded = target.removingPercentEncoding ?? target
        if decoded.contains("://") || decoded.hasPrefix("data:") || decoded.hasPrefix("mailto:") { return nil }
        func warn(_ message: String) {
            warnings.append(ImportWarning(path: file, line: line, message: message))
        }
        let shown = String(decoded.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
        let directory = (file as NSString).deletingLastPathComponent
        let joined = decoded.hasPrefix("/") ? decoded : (directory.isEmpty ? "." : directory) + "/" + decoded
        let resolved = URL(fileURLWithPath: joined).resolvingSymlinksInPath().standardizedFileURL.path
        let folder = URL(fileURLWithPath: bankFolder).resolvingSymlinksInPath().standardizedFileURL.path
        guard resolved.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/") else {
            warn("picture \(shown) is outside the bank's folder; left as written")
            return nil
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), !isDirectory.boolValue else {
            warn("picture \(shown) not found; left as written")
            return nil
        }
        let attributes = try? FileManager.default.attributesOfItem(atPath: resolved)
        let size = attributes?[.size] as? Int ?? 0
        guard attributes?[.type] as? FileAttributeType == .typeRegular, size <= Self.maximumFileSize,
              let data = FileManager.default.contents(atPath: resolved) else {
            warn("picture \(shown) is not a readable file of at most 64 MB; left as written")
            return nil
        }
        let hash = SHA256.hex(of: data)
        guard let safe = Store.safeMediaName(decoded) else { return nil }
        let ext = (safe as NSString).pathExtension
        let stem = (safe as NSString).deletingPathExtension
        let name = stem + "-" + hash.prefix(8) + (ext.isEmpty ? "" : "." + ext)
        staged[name] = Staged(name: name, sha256: hash, data: data)
        // A name Markdown reads back as one link target: spaces and brackets would end it.
        return name.contains(where: { $0 == " " || $0 == "(" || $0 == ")" || $0 == "<" || $0 == ">" })
            ? "<" + name + ">" : name
    }

    /// Writes the staged files into the media folder (before the transaction that records them).
    func saveContents(in store: Store) throws(StoreError) {
        for file in staged.values { _ = try store.saveMediaContent(file.data) }
    }

    /// Records the staged names (inside the import's `write`).
    func record(in store: Store, now: Millis) throws(StoreError) {
        for name in staged.keys.sorted() {
            guard let file = staged[name] else { continue }
            try store.recordMedia(name: file.name, sha256: file.sha256, size: file.data.count, at: now)
        }
    }
}
