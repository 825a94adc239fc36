import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// What one `recall sync DIR` did.
public struct SyncOutcome: Sendable, Equatable {
    /// Our own file, `DIR/<device id>.json`.
    public var ownFile: String
    /// The other devices' files merged, by name.
    public var merged: [String] = []
    /// One line per file skipped, saying why (not JSON, half-written, changed while read, …).
    public var warnings: [String] = []
    public var report = MergeReport()
    /// Whether our own file was (re)written; false when it already held the same bytes.
    public var wroteOwnFile = false
    /// True when neither the store nor any file in the folder changed since the last sync,
    /// so nothing was read or written.
    public var upToDate = false
}

/// `recall sync DIR`: stores on several machines share one folder (carried by git, Syncthing,
/// Dropbox…). Each store writes only its own file, `DIR/<device id>.json`, and reads everyone
/// else's. A sync merges the others' files into the store in one transaction (`DeckMerge`),
/// then writes our file with the result, atomically. Once every store has synced twice, in any
/// order, all of them hold the same cards and reviews and export the same bytes
/// (DESIGN.md invariant 4).
public enum FolderSync {
    /// Peers' files are deck files: `*.json`, not hidden (temporary files of sync tools and of
    /// `AtomicFile` start with a dot).
    static func isPeerFile(_ name: String, own: String) -> Bool {
        name.hasSuffix(".json") && !name.hasPrefix(".") && name != own
    }

    /// `now` is the command's clock: peer times more than a day after it win nothing
    /// (`FutureTimes`). `phase`, when given, is called with the name of each step as it ends
    /// (`RECALL_TIMINGS=1`).
    public static func sync(
        store: Store, folder: String, timeZone: TimeZone, now: Millis? = nil, sizeLimit: Int = DeckFile.defaultSizeLimit,
        phase: ((String) -> Void)? = nil
    ) throws -> SyncOutcome {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw SyncError.notAFolder(folder)
            }
        } else if !isDirectory.boolValue {
            throw SyncError.notAFolder(folder)
        }
        let folderURL = URL(fileURLWithPath: folder).standardizedFileURL
        // Reading whole files and tables: through SQLite's page cache, not a map of the store.
        try store.prepareForBulkWork(cacheMegabytes: 16)
        var ownName = try store.deviceID() + ".json"
        var ownPath = folderURL.appendingPathComponent(ownName).path
        let recordKey = "sync.folder:" + folderURL.path
        var copiedNotice: String?
        if try ownFileWrittenElsewhere(store: store, ownPath: ownPath, folder: folderURL.path, recordKey: recordKey) {
            let newID = try takeNewDeviceID(store)
            copiedNotice = "\(ownName) holds history this store never wrote (a copy of this store synced from another "
                + "machine): this store is now device \(newID), and merges \(ownName) as another store's file"
            ownName = newID + ".json"
            ownPath = folderURL.appendingPathComponent(ownName).path
        }
        var outcome = SyncOutcome(ownFile: ownPath)
        if let copiedNotice { outcome.warnings.append(copiedNotice) }
        // Media first, also when nothing else changed: ours go into the folder (only those it
        // lacks) before our file can name them, and what peers named before their files arrived
        // is taken now that it may be there.
        let mediaFolder = folderURL.appendingPathComponent("media").path
        let storeMedia = try store.allMedia()
        outcome.warnings += MediaTransfer.copyIn(storeMedia, from: mediaFolder, into: store, source: "sync", warnMissing: false)
        try MediaTransfer.copyOut(storeMedia, from: store, to: mediaFolder)

        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folderURL.path)
                .filter { isPeerFile($0, own: ownName) }
                .sorted(by: utf8Less)
        } catch {
            throw SyncError.cannotRead(file: folder, reason: "cannot list the folder")
        }

        // Nothing to do when neither the store nor any file changed since the last sync: the
        // merge would give the same store and the same file again.
        let stamps = names.map { ($0, FileStamp.of(folderURL.appendingPathComponent($0).path)) }
        let before = try store.syncFingerprint()
        if let recorded = try store.setting(recordKey),
           recorded == record(store: before, own: FileStamp.of(ownPath), peers: stamps) {
            outcome.upToDate = true
            return outcome
        }

        // Every peer file is read and checked before the write transaction opens (issue 14
        // item 2): a file that is slow to read, or that a reader refuses, never holds the
        // store's write lock, which the review screen's answers wait for. A bad one is skipped.
        // A file is kept as what ties its cards together and where they are in it; the merge
        // reads them again a chunk at a time (`DeckFileStream`), so memory does not grow with it.
        // Files are read two at a time (`DeckFileStream.openAll`); what they give is taken in name order.
        var readStamps: [(String, FileStamp?)] = []
        var peers: [(name: String, file: DeckFileStream)] = []
        var opened: [String: DeckFileStream.Opened] = [:]
        var readable: [(path: String, name: String?)] = []
        for name in names {
            let path = folderURL.appendingPathComponent(name).path
            if Self.staysInside(folder: folderURL.path, path: path) {
                readable.append((path, name))
            } else {
                opened[name] = .failure(SyncError.cannotRead(file: name, reason: "it is a link to a file outside the folder"))
            }
        }
        for (file, result) in zip(readable, DeckFileStream.openAll(readable, sizeLimit: sizeLimit, now: now)) {
            opened[file.name ?? file.path] = result
        }
        for name in names {
            switch opened[name] {
            case .success(let (file, future)):
                readStamps.append((name, file.stamp))
                if let warning = future.warning(file: name) { outcome.warnings.append(warning) }
                peers.append((name, file))
                phase?("read and check \(name)")
            case .failure(let error):
                outcome.warnings.append("skipped \(name): \(error)")
                readStamps.append((name, nil))
            case nil:
                readStamps.append((name, nil))
            }
        }
        for peer in peers where !peer.file.media.isEmpty {
            outcome.warnings += MediaTransfer.copyIn(peer.file.media, from: mediaFolder, into: store, source: peer.name)
        }
        // Then one transaction for the whole merge. A file another program rewrote in place
        // after it was checked is caught before the commit: the merge is rolled back and done
        // again without it (it is read again by the next sync).
        while true {
            do {
                outcome.report = try mergePeers(peers, into: store, timeZone: timeZone, now: now, warnings: &outcome.warnings,
                                                phase: phase)
                break
            } catch let SyncError.changedWhileReading(file) {
                guard let index = peers.firstIndex(where: { $0.name == file }) else { throw SyncError.changedWhileReading(file: file) }
                outcome.warnings.append("skipped \(file): \(SyncError.changedWhileReading(file: file))")
                peers.remove(at: index)
                if let stamp = readStamps.firstIndex(where: { $0.0 == file }) { readStamps[stamp].1 = nil }
            }
        }
        outcome.merged = peers.map(\.name)
        peers.removeAll()
        phase?("commit")
        releaseFreedMemory()

        // Then our own file, with everything we now know; what it holds is recorded as
        // published in the same snapshot it was read from (issue 14 item 7).
        outcome.wroteOwnFile = try DeckExporter.export(store, DeckExporter.Selection(), toFile: ownPath, onlyIfChanged: true).replaced
        phase?("write our file")
        // A deck named before names were checked makes every other store refuse our file (the
        // reader checks names): say so here, where a rename fixes it.
        for deck in try store.syncDecks() {
            guard let problem = DeckName.problem(deck.name) else { continue }
            outcome.warnings.append("deck \(DeckName.quoted(deck.name)) has an invalid name (\(problem)): "
                + "other stores skip this store's file until it is renamed with `recall deck rename`")
        }
        // Files we could not read are recorded as unread, so the next sync tries them again.
        let after = try store.syncFingerprint()
        // What we wrote, to know our file again next time (a copy of this store would change it).
        let hashKnown = try store.setting(ownHashKey(folderURL.path)) != nil
        let ownHash = outcome.wroteOwnFile || !hashKnown ? contentHash(ownPath) : nil
        try store.write {
            try store.setSetting(recordKey, record(store: after, own: FileStamp.of(ownPath), peers: readStamps))
            if let ownHash { try store.setSetting(ownHashKey(folderURL.path), ownHash) }
        }
        return outcome
    }

    /// The write transaction of a sync: the peers' media recorded, this store's future times
    /// clamped, and every peer file merged in one merge (merging them one after another is not
    /// the same whatever their order: a card the first file's tombstone deletes, with its
    /// reviews, would come back from the second without them).
    private static func mergePeers(
        _ peers: [(name: String, file: DeckFileStream)], into store: Store, timeZone: TimeZone, now: Millis?,
        warnings: inout [String], phase: ((String) -> Void)?
    ) throws -> MergeReport {
        var notes: [String] = []
        let report = try DeckMerge.write(store, merging: peers.map(\.file)) {
            for peer in peers where !peer.file.media.isEmpty {
                notes += try MediaTransfer.record(peer.file.media, in: store, now: now ?? 0, source: peer.name)
            }
            if let now {
                let clamped = try store.clampFutureTimes(now: now, tolerance: FutureTimes.tolerance)
                if clamped > 0 {
                    notes.append("this store held times more than a day ahead of this machine's clock in "
                        + "\(clamped) \(clamped == 1 ? "row" : "rows") (its clock ran ahead when they were made): "
                        + "they are now this sync's time")
                }
            }
            guard !peers.isEmpty else { return MergeReport() }
            let names = peers.map(\.name)
            let trash = now.map { (reason: "sync: a deletion in \(names.joined(separator: ", "))", now: $0) }
            let report = try DeckMerge.merge(sources: peers.map(\.file), into: store, timeZone: timeZone, trash: trash, phase: phase)
            for peer in peers { try peer.file.checkUnchanged() }
            return report
        }
        warnings += notes
        return report
    }

    /// What a sync saw, in one line per item: the store's fingerprint, our file's stamp, and each
    /// peer file's stamp (`-` for none or unread).
    private static func record(store: String, own: FileStamp?, peers: [(String, FileStamp?)]) -> String {
        var lines = ["store \(store)", "own \(own?.description ?? "-")"]
        for (name, stamp) in peers { lines.append("peer \(stamp?.description ?? "-") \(name)") }
        return lines.joined(separator: "\n")
    }
}

extension FolderSync {
    /// Whether `path` (a name in the sync folder) is, after following links, still a file in
    /// that folder: a link to a file elsewhere would make sync read, and then spread to every
    /// machine, whatever it points at (issue 14, the hostile sync folder).
    static func staysInside(folder: String, path: String) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return true }
        guard let resolvedFolder = realpath(folder, nil) else { return false }
        defer { free(resolvedFolder) }
        guard let resolved = realpath(path, nil) else { return false }
        defer { free(resolved) }
        let inside = String(cString: resolvedFolder) + "/"
        let target = String(cString: resolved)
        return target.hasPrefix(inside) && !target.dropFirst(inside.count).contains("/")
    }
}
