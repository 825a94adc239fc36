import Foundation
import RecallScheduler

/// Rolling backups (DESIGN.md invariant 8). They live beside the store, in `STORE.backups/`
/// (`recall.sqlite.backups/` for `recall.sqlite`), one SQLite file each, named by the UTC time
/// they were made and why: `2026-11-25T120000Z-daily.sqlite`, `…-before-schema-3.sqlite`,
/// `…-manual.sqlite`. Each is made with SQLite's online backup API, so it is a consistent store
/// even while another recall writes. The newest `keptBackups` are kept.
extension Store {
    /// How many backups the folder keeps; older ones are removed after each new one.
    public static let keptBackups = 7

    /// The folder that holds the store's backups.
    public static func backupFolder(forStore path: String) -> String { path + ".backups" }

    public var backupFolder: String { Self.backupFolder(forStore: path) }

    /// The backups in the folder, oldest first (by when they were made: file modification time,
    /// then name).
    public static func backups(ofStore path: String) -> [String] {
        let folder = backupFolder(forStore: path)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        let files = names.filter { $0.hasSuffix(".sqlite") && !$0.hasPrefix(".") }.map { folder + "/" + $0 }
        func modified(_ file: String) -> Int64 {
            var info = stat()
            guard stat(file, &info) == 0 else { return 0 }
            return Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        }
        return files.map { (file: $0, time: modified($0)) }
            .sorted { ($0.time, $0.file) < ($1.time, $1.file) }.map(\.file)
    }

    /// Copies the whole store to `file` (replaced atomically: the copy is made beside it, then
    /// renamed over it). The copy is a recall store that `Store(path:)` opens.
    public func backUp(to file: String) throws(StoreError) {
        let temporary = (file as NSString).deletingLastPathComponent.isEmpty
            ? ".\(file).\(getpid()).tmp"
            : (file as NSString).deletingLastPathComponent + "/." + (file as NSString).lastPathComponent + ".\(getpid()).tmp"
        unlink(temporary)
        do {
            let destination = try Database(path: temporary, create: true)
            try db.copy(into: destination)
            // A backup is one self-contained file: no -wal beside it to lose on a copy.
            try destination.execute("PRAGMA journal_mode = DELETE")
        } catch {
            unlink(temporary)
            throw .cannotBackUp(file: file, reason: error.description)
        }
        guard rename(temporary, file) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotBackUp(file: file, reason: reason)
        }
    }

    /// Makes a backup in the backup folder, named by the clock and `reason`, and removes the
    /// oldest beyond `keptBackups`. Returns its path.
    @discardableResult
    public func backUp(reason: String) throws(StoreError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: backupFolder, withIntermediateDirectories: true)
        } catch {
            throw .cannotBackUp(file: backupFolder, reason: "cannot create the folder")
        }
        var name = clockForBackups.map { Self.backupStamp($0) + "-" } ?? ""
        name += reason
        var file = backupFolder + "/" + name + ".sqlite"
        var suffix = 2
        while FileManager.default.fileExists(atPath: file) {
            file = backupFolder + "/" + name + "-\(suffix).sqlite"
            suffix += 1
        }
        removeStaleTemporaryBackups()
        try backUp(to: file)
        let all = Self.backups(ofStore: path)
        for old in all.dropLast(Self.keptBackups) { unlink(old) }
        return file
    }

    /// Removes `.NAME.PID.tmp` copies that a killed recall left in the backup folder (their
    /// process is gone); a copy being made now by another recall is left alone.
    private func removeStaleTemporaryBackups() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: backupFolder)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".tmp") {
            guard let pid = Int32(name.dropLast(4).split(separator: ".").last ?? ""), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            unlink(backupFolder + "/" + name)
        }
    }

    /// The first write of a (UTC) day makes that day's backup, before it changes anything.
    func makeDailyBackupIfDue() throws(StoreError) {
        guard let now = clockForBackups, !isNew else { return }
        let day = String(Self.backupStamp(now).prefix(10))
        let names = (try? FileManager.default.contentsOfDirectory(atPath: backupFolder)) ?? []
        if names.contains(where: { $0.hasPrefix(day) && $0.hasSuffix("-daily.sqlite") }) { return }
        try backUp(reason: "daily")
    }

    /// `2026-11-25T120000Z`: sorts by time, and is a valid file name everywhere.
    static func backupStamp(_ now: Millis) -> String {
        var seconds = time_t(now / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Puts the backup `file` back as the store's whole content, after checking that it is a
    /// recall store this binary can open, and after backing up the store as it is now (so a
    /// wrong restore can itself be undone). Returns the path of that backup.
    @discardableResult
    public func restore(fromBackup file: String) throws(StoreError) -> String {
        if isReadOnly { throw .readOnly(path: path) }
        guard Self.sameFile(file, path) == false else {
            throw .invalid("\(file) is the store itself; give a backup file")
        }
        let state = try Self.inspect(path: file)
        guard state == .store else {
            throw state == .missing ? .invalid("\(file) does not exist") : .notRecallStore(path: file)
        }
        let source: Database
        do {
            source = try Database(path: file, readOnly: true)
            let version = try source.scalarInt("PRAGMA user_version") ?? 0
            guard try source.scalarInt("PRAGMA application_id") == Int64(Self.applicationID), version > 0 else {
                throw StoreError.notRecallStore(path: file)
            }
            let check = try source.row("PRAGMA quick_check") { $0.textValue(0) }
            guard check == "ok" else { throw StoreError.invalid("\(file) is damaged (\(check ?? "no answer")); nothing changed") }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .notRecallStore(path: file)
        }
        let saved = try backUp(reason: "before-restore")
        try source.copy(into: db)
        // The backup may be of an older schema: bring it up to this binary's.
        if (try db.scalarInt("PRAGMA user_version") ?? 0) < Migration.latestVersion {
            try Migrator.migrate(db, applicationID: Self.applicationID)
        }
        return saved
    }

    /// Throws unless `file` is a recall store (or empty): what `recall backup FILE` may replace.
    public static func inspectBackupTarget(_ file: String) throws(StoreError) {
        _ = try inspect(path: file)
    }

    /// What SQLite's `PRAGMA integrity_check` finds wrong with the file (at most 10 lines);
    /// empty when it is sound.
    /// A file damaged badly enough fails the check itself (`SQLITE_CORRUPT`): that is the problem.
    public func integrityProblems() throws(StoreError) -> [String] {
        do {
            return try db.rows("PRAGMA integrity_check(10)") { $0.textValue(0) }.filter { $0 != "ok" }
        } catch {
            if case let .sqlite(code, message, _) = error, code & 0xff == 11 { return [message] }
            throw error
        }
    }

    /// Whether two paths name the same file (device and inode); nil when either is missing.
    public static func sameFile(_ first: String, _ second: String) -> Bool? {
        var a = stat()
        var b = stat()
        guard stat(first, &a) == 0, stat(second, &b) == 0 else { return nil }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }
}
