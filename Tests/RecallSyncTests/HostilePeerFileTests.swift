import Foundation
import RecallModel
import RecallScheduler
import Testing

@testable import RecallStore
@testable import RecallSync

/// Issue 14 item 2: a sync folder holds what others put there. Peer files are opened without
/// blocking, only regular files are read, and all of them are read before the store's write
/// transaction opens, so a slow or hostile file never holds the lock that answers wait for.
@Suite struct HostilePeerFileTests {
    @Test func aFIFONamedLikeAPeerFileIsSkippedWithoutWaiting() throws {
        let peers = try SyncScenarioTests.Peers()
        let fifo = peers.folder.path("shared/peer.json")
        #expect(mkfifo(fifo, 0o644) == 0)
        let outcome = try FolderSync.sync(store: peers.a, folder: peers.shared, timeZone: utc)
        #expect(outcome.warnings.contains("skipped peer.json: cannot read peer.json: it is a named pipe (FIFO), not a regular file"))
        #expect(!outcome.merged.contains("peer.json"))
    }

    @Test func aFolderNamedLikeAPeerFileIsSkipped() throws {
        let peers = try SyncScenarioTests.Peers()
        try FileManager.default.createDirectory(atPath: peers.folder.path("shared/dir.json"), withIntermediateDirectories: true)
        let outcome = try FolderSync.sync(store: peers.a, folder: peers.shared, timeZone: utc)
        #expect(outcome.warnings.contains("skipped dir.json: cannot read dir.json: it is a folder"))
    }

    /// While a peer file is being read, another process can still write the store: the read
    /// happens before the sync's write transaction.
    @Test func anotherWriterIsNotBlockedWhilePeerFilesAreRead() throws {
        let peers = try SyncScenarioTests.Peers()
        _ = try peers.b.write { try peers.b.addNote(deck: "Main", front: "New on B", back: "b", now: day(1)) }
        try peers.sync(peers.b)
        let bFile = peers.folder.path("shared/" + (try peers.b.deviceID()) + ".json")
        let storePath = peers.a.path
        let wrote = Flag()
        try FileContents.$duringRead.withValue({ path in
            guard path == bFile, let other = try? Store(path: storePath) else { return }
            try? other.db.execute("PRAGMA busy_timeout = 0")
            if (try? other.write({ try other.setSetting("during-sync", "yes") })) != nil { wrote.set() }
        }) {
            _ = try FolderSync.sync(store: peers.a, folder: peers.shared, timeZone: utc)
        }
        #expect(wrote.value)
        #expect(try peers.a.setting("during-sync") == "yes")
        #expect(try peers.a.cards().contains { $0.front == "New on B" })
    }
}

/// A flag a `@Sendable` closure can set.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false
    var value: Bool { lock.withLock { isSet } }
    func set() { lock.withLock { isSet = true } }
}
