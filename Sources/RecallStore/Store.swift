import Foundation
import RecallModel
import RecallScheduler

/// The recall store: one SQLite file per user. Opening it checks that the file is ours
/// before SQLite touches it, creates it if missing, and migrates it to this binary's schema.
public final class Store {
    /// The connection. Internal: RecallStore is the only module that holds SQL (DESIGN.md).
    let db: Database
    public let path: String

    /// `PRAGMA application_id` of every recall store: "RCAL" in ASCII.
    public static let applicationID: Int32 = 0x5243_414C

    /// The store path: `--db` wins, then `RECALL_DB`, then `$XDG_DATA_HOME/recall/recall.sqlite`
    /// (`~/.local/share/recall/recall.sqlite` when XDG_DATA_HOME is unset or empty).
    public static func resolvePath(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let path = environment["RECALL_DB"], !path.isEmpty { return path }
        let base: String
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            base = xdg
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            base = home + "/.local/share"
        }
        return base + "/recall/recall.sqlite"
    }

    /// What we found at the path before opening it.
    enum FileState { case missing, empty, store }

    /// Reads the SQLite header directly (bytes 0–99) so that a file that is not ours is refused
    /// without SQLite opening it: no byte, no mtime and no `-wal`/`-shm` file changes.
    static func inspect(path: String) throws(StoreError) -> FileState {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        if isDirectory.boolValue { throw .cannotCreate(path: path, reason: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotCreate(path: path, reason: "it cannot be read")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        if header.isEmpty { return .empty }
        let magic = Data("SQLite format 3\u{0}".utf8)
        guard header.count == 100, header.prefix(16) == magic else { throw .notSQLite(path: path) }
        func bigEndian(_ offset: Int) -> UInt32 {
            header[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard Int32(bitPattern: bigEndian(68)) == applicationID else { throw .notRecallStore(path: path) }
        let version = Int(bigEndian(60))
        if version > Migration.latestVersion {
            throw .newerSchema(path: path, found: version, supported: Migration.latestVersion)
        }
        return .store
    }

    /// Opens the store at `path`, creating it (and its parent folders) when missing.
    ///
    /// - `initialisingEmpty`: a zero-length file is made a new store only when this is true
    ///   (`recall init`). Otherwise it is refused: it may be a store that lost its content, and
    ///   quietly starting afresh over it would hide that.
    /// - `now`: the command's clock. With it, the store keeps daily backups (see `Backups.swift`);
    ///   without it (library use, tests) only the backup before a migration is made.
    ///
    /// A store the user may not write (the file or its folder read-only) is opened read-only:
    /// reading commands work, and `write` refuses before it begins.
    public init(path: String, initialisingEmpty: Bool = false, now: Millis? = nil) throws(StoreError) {
        self.path = path
        self.clockForBackups = now
        let state = try Self.inspect(path: path)
        if state == .empty && !initialisingEmpty { throw .emptyStoreFile(path: path) }
        if state == .missing {
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                } catch {
                    throw .cannotCreate(path: path, reason: "cannot create folder \(parent)")
                }
            }
        }
        let folder = (path as NSString).deletingLastPathComponent
        let readOnly = state == .store
            && (access(path, W_OK) != 0 || access(folder.isEmpty ? "." : folder, W_OK) != 0)
        let db: Database
        do throws(StoreError) {
            if readOnly {
                // A WAL store needs its `-shm` file; in a folder we cannot write, that exists
                // only if another process made it. Without it, immutable is the one way to read.
                if let plain = try? Database(path: path, readOnly: true), (try? plain.scalarInt("PRAGMA user_version")) != nil {
                    db = plain
                } else {
                    db = try Database(path: path, immutable: true)
                }
            } else {
                db = try Database(path: path, create: true)
            }
        } catch {
            throw .cannotCreate(path: path, reason: error.description)
        }
        self.db = db
        self.isReadOnly = readOnly
        try db.execute("PRAGMA busy_timeout = \(Self.busyTimeoutMS)")
        // The authoritative check: the header we read may predate a WAL that was never checkpointed.
        let applicationID = try db.scalarInt("PRAGMA application_id") ?? 0
        let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if version > Migration.latestVersion {
            throw .newerSchema(path: path, found: version, supported: Migration.latestVersion)
        }
        if applicationID != Int64(Self.applicationID) && !(applicationID == 0 && version == 0) {
            throw .notRecallStore(path: path)
        }
        // Reads go through a memory map instead of one pread per page: most commands touch
        // few pages, and a process that starts fresh each time should not pay per-page syscalls.
        // Statement journals in memory: a statement that may fail half-way (any insert with a
        // foreign key) keeps the prior content of each page it changes until it ends, and SQLite
        // puts that in a temporary file past 64 KB. A merge of a million reviews, 500 to a
        // statement, wrote 2 GB to such files; in memory it is a few MB at a time. (It can only be
        // set outside a transaction, so it is set here for every command; `DeckMerge.write` puts
        // the sorts of a large merge's index builds on disk, before its transaction.)
        try db.execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536")
        try db.execute("PRAGMA temp_store = MEMORY")
        isNew = version == 0
        if version < Migration.latestVersion && readOnly { throw .readOnly(path: path) }
        if version == 0 {
            // A new file gets its first schema (and the application id) in rollback-journal mode, so
            // the header on disk always says "recall" even if a later WAL is never checkpointed.
            try Migrator.migrate(db, applicationID: Self.applicationID)
            try db.execute("PRAGMA journal_mode = WAL")
        } else if version < Migration.latestVersion {
            // DESIGN.md invariant 8: a copy of the store as it was, before its schema changes.
            try backUp(reason: "before-schema-\(Migration.latestVersion)")
            try Migrator.migrate(db, applicationID: Self.applicationID)
        }
        // A bulk write (`writeInBulk`) cut short leaves the store in rollback-journal mode: back
        // to the log, when no other program has it open (otherwise the next command does it).
        if !readOnly && version > 0, try journalMode() != "wal" { try journalMode(set: "WAL") }
        // A new store has nothing cached under older scheduling rules (SchedulingRules.swift).
        if isNew { try setSetting(Self.schedulingRulesKey, String(Self.schedulingRules)) }
    }

    /// How long a command waits for another program's write to end before it says the store is busy.
    static let busyTimeoutMS = 10_000

    /// True when the store was opened read-only (the file or its folder cannot be written).
    public let isReadOnly: Bool

    /// The command's clock, for naming backups and making one a day; nil: no daily backups.
    let clockForBackups: Millis?

    /// True when this open created the store's schema (first use).
    public let isNew: Bool

    // MARK: Settings

    public func setting(_ key: String) throws(StoreError) -> String? {
        try db.row("SELECT value FROM settings WHERE key = ?", [.text(key)]) { $0.textValue(0) }
    }

    /// Every setting whose key starts with `prefix`, without the prefix, by key.
    public func settings(withPrefix prefix: String) throws(StoreError) -> [(key: String, value: String)] {
        try db.rows("SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key",
                    [.integer(Int64(prefix.utf8.count)), .text(prefix)]) {
            (key: String($0.textValue(0).utf8.dropFirst(prefix.utf8.count)) ?? "", value: $0.textValue(1))
        }
    }

    public func setSetting(_ key: String, _ value: String) throws(StoreError) {
        try db.run(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [.text(key), .text(value)])
    }

    public func removeSetting(_ key: String) throws(StoreError) {
        try db.run("DELETE FROM settings WHERE key = ?", [.text(key)])
    }

    /// Runs `body` in one write transaction (DESIGN.md invariant 3). Errors roll everything back.
    /// Runs `body` on one consistent snapshot of the store (one read transaction) that may end
    /// with a small write: what an export read and what it records as published then agree
    /// (issue 14 item 7). Without `immediate`, other writers go on meanwhile, and the write fails
    /// as busy if one of them committed since the snapshot began: the caller starts again. With
    /// `immediate`, the write lock is held throughout and the write cannot fail that way.
    public func snapshot<T>(immediate: Bool = false, _ body: () throws -> T) throws -> T {
        try db.transaction(immediate: immediate && !isReadOnly, body)
    }

    /// A read-only store refuses here, before anything is written; the first write of a day
    /// makes that day's backup first (DESIGN.md invariant 8).
    public func write<T>(_ body: () throws -> T) throws -> T {
        if isReadOnly { throw StoreError.readOnly(path: path) }
        try makeDailyBackupIfDue()
        return try db.transaction(body)
    }
}
