import Foundation
import RecallImport
import RecallModel
import RecallStore

/// What a re-import of one unchanged bank file can be recognised by, so that it is settled
/// without reading the bank (100,000 questions: parsing is most of a re-import's time).
///
/// Recorded in the store's settings after an import of one file that left nothing unsaid (no
/// warning, no notice, no note missing from the source): the file's bytes (size and digest),
/// the options that change how it is read (`--deck`, `--prune`), the recall binary that read
/// it (another build may read the same bytes differently), the source key its notes went to,
/// the store's digest of those notes right after (`Store.importSignature`), and what the
/// summary says about the file (notes, parts that made no card).
///
/// A full re-import is a function of exactly those inputs (the bytes, the options, the parser,
/// the key resolved against the store and the stored notes of that key), and re-importing
/// what was just imported changes nothing (DESIGN.md invariant 2). So when all of them are
/// as recorded, the full re-import's outcome is known: every note unchanged, the same summary.
/// Anything else, down to one note edited in recall or one card deleted, takes the full path.
struct ImportFingerprint: Codable, Equatable {
    struct Skipped: Codable, Equatable {
        var line: Int
        var reason: String
    }

    var version = 1
    var size: Int
    var digest: String
    var deck: String?
    var prune: Bool
    var binary: String
    var key: String
    var store: String
    var notes: Int
    var skipped: [Skipped]

    static let settingPrefix = "import fingerprint "

    /// The file's side of a fingerprint, read before anything is parsed.
    struct Input {
        /// The file's absolute path: the setting's key.
        var path: String
        var size: Int
        var digest: String
        var deck: String?
        var prune: Bool
        var binary: String

        /// Nil for anything but one regular, readable file, or when the binary is unknown.
        init?(path: String, deck: String?, prune: Bool) {
            let ext = (path as NSString).pathExtension.lowercased()
            guard SourceReader.extensions.contains(ext), let binary = ImportFingerprint.binaryIdentity() else { return nil }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            guard let digest = FileDigest.ofFile(absolute) else { return nil }
            self.path = absolute
            self.size = digest.size
            self.digest = digest.hex
            self.deck = deck
            self.prune = prune
            self.binary = binary
        }

        func matches(_ recorded: ImportFingerprint) -> Bool {
            recorded.version == 1 && recorded.size == size && recorded.digest == digest && recorded.deck == deck
                && recorded.prune == prune && recorded.binary == binary
        }
    }

    /// `file`: the digest of the bytes this import parsed (the file may have changed since
    /// `input` was taken; the record must say what the store now reflects).
    init(_ input: Input, file: FileDigest, key: String, store: UInt64, notes: Int, skipped: [SkippedSection]) {
        size = file.size
        digest = file.hex
        deck = input.deck
        prune = input.prune
        binary = input.binary
        self.key = key
        self.store = FNV64.hex(store)
        self.notes = notes
        self.skipped = skipped.map { Skipped(line: $0.line, reason: $0.reason) }
    }

    static func recorded(for input: Input, in store: Store) throws(StoreError) -> ImportFingerprint? {
        guard let text = try store.setting(settingPrefix + input.path),
              let recorded = try? JSONDecoder().decode(ImportFingerprint.self, from: Data(text.utf8)),
              input.matches(recorded) else { return nil }
        return recorded
    }

    func record(for input: Input, in store: Store) throws(StoreError) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try store.setSetting(Self.settingPrefix + input.path, String(decoding: data, as: UTF8.self))
    }

    // MARK: - Digests

    /// The running recall binary's size and modification time: a rebuilt recall may read the
    /// same file differently, so its fingerprints do not carry over.
    static func binaryIdentity() -> String? {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_ino)"
    }
}
