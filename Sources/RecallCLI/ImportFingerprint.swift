import Foundation
import RecallImport
import RecallModel
import RecallStore

/// What a re-import of an unchanged bank (one file, or one folder of them) can be recognised
/// by, so that it is settled without reading the banks (100,000 questions: parsing is most of a
/// re-import's time).
///
/// Recorded in the store's settings after an import of one path that left nothing unsaid (no
/// warning, no notice, no note missing from its source): each file's bytes (size and digest)
/// and, for a folder, exactly which files it held; the options that change how they are read
/// (`--deck`, `--prune`); the recall binary that read them (another build may read the same
/// bytes differently); for each file the source key its notes went to, the store's digest of
/// those notes right after (`Store.importSignature`) and what the summary says about it (notes,
/// parts that made no card).
///
/// A full re-import is a function of exactly those inputs (the bytes, the options, the parser,
/// the keys resolved against the store and the stored notes of those keys), and re-importing
/// what was just imported changes nothing (DESIGN.md invariant 2; tested on every real bank).
/// So when all of them are as recorded, the full re-import's outcome is known: every note
/// unchanged, the same summary. Anything else, down to one note edited in recall, one card
/// deleted or one file added to the folder, takes the full path.
struct ImportFingerprint: Codable, Equatable {
    struct Skipped: Codable, Equatable {
        var line: Int
        var reason: String
    }

    /// One file as the import left it.
    struct File: Codable, Equatable {
        /// Absolute path.
        var path: String
        var size: Int
        var digest: String
        var key: String
        var store: String
        var notes: Int
        var skipped: [Skipped]
    }

    var version = 2
    var folder: Bool
    var deck: String?
    var prune: Bool
    var binary: String
    var files: [File]

    static let settingPrefix = "import fingerprint "

    /// The import's side of a fingerprint, taken before anything is parsed.
    struct Input {
        /// The file's or folder's absolute path: the setting's key.
        var path: String
        var folder: Bool
        /// Each file (for a folder, every importable file below it, in the order they are read).
        var files: [(path: String, digest: FileDigest)]
        var deck: String?
        var prune: Bool
        var binary: String

        /// Nil when the path is not a readable file or folder of importable files, or when the
        /// binary is unknown.
        init?(path: String, deck: String?, prune: Bool) {
            guard let binary = ImportFingerprint.binaryIdentity() else { return nil }
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else { return nil }
            var files: [(path: String, digest: FileDigest)] = []
            if isDirectory.boolValue {
                let relatives = SourceReader.importableFiles(below: absolute)
                guard !relatives.isEmpty else { return nil }
                for relative in relatives {
                    let file = absolute + "/" + relative
                    guard let digest = FileDigest.ofFile(file) else { return nil }
                    files.append((file, digest))
                }
            } else {
                guard SourceReader.extensions.contains((path as NSString).pathExtension.lowercased()),
                      let digest = FileDigest.ofFile(absolute) else { return nil }
                files = [(absolute, digest)]
            }
            self.path = absolute
            self.folder = isDirectory.boolValue
            self.files = files
            self.deck = deck
            self.prune = prune
            self.binary = binary
        }

        func matches(_ recorded: ImportFingerprint) -> Bool {
            recorded.version == 2 && recorded.folder == folder && recorded.deck == deck && recorded.prune == prune
                && recorded.binary == binary && recorded.files.count == files.count
                && zip(recorded.files, files).allSatisfy {
                    $0.path == $1.path && $0.size == $1.digest.size && $0.digest == $1.digest.hex
                }
        }
    }

    init(_ input: Input, files: [File]) {
        folder = input.folder
        deck = input.deck
        prune = input.prune
        binary = input.binary
        self.files = files
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

    /// The running recall binary's size, modification time and inode: a rebuilt recall may read
    /// the same file differently, so its fingerprints do not carry over.
    static func binaryIdentity() -> String? {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_ino)"
    }
}
