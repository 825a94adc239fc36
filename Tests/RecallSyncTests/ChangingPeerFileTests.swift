import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import Testing

@testable import RecallSync

/// Issue 7: "a file written by another device while we read it, or a half-written file, is
/// detected and skipped with a warning, never half-applied". The other peers' files are still
/// merged, and the skipped file is read again by the next sync.
///
/// The changes are real writes to the file on disk, made in the middle of reading it through
/// `FileContents.duringRead` (the only seam: it gives the test that moment, and the check that
/// follows is the one every sync runs).
@Suite struct ChangingPeerFileTests {
    /// Three synced stores (`SyncScenarioTests.Peers`); C answers a card and syncs, then a fourth
    /// store, D, adds a card, answers it and syncs (its file has C's review too). B has seen
    /// neither change: from C's file alone it learns C's review, from D's also D's card.
    final class Scene {
        let peers: SyncScenarioTests.Peers
        let d: Store
        let dFile: String
        let dBytes: Data

        init() throws {
            let peers = try SyncScenarioTests.Peers()
            try peers.c.answerCard(try peers.c.card(front: "Plain").id, .good, at: day(2))
            try peers.sync(peers.c)
            let d = try makeStore(peers.folder, "d")
            _ = try d.write { try d.addNote(deck: "Main", front: "From D", back: "d", now: day(1)) }
            try d.answerCard(try d.card(front: "From D").id, .good, at: day(1, minutes: 1))
            try peers.sync(d)
            let dFile = peers.folder.path("shared/" + (try d.deviceID()) + ".json")
            dBytes = try Data(contentsOf: URL(fileURLWithPath: dFile))
            peers.warnings = []
            self.peers = peers
            self.d = d
            self.dFile = dFile
        }

        var dName: String { (dFile as NSString).lastPathComponent }

        /// Syncs B, running `change` on D's file in the middle of reading it.
        func syncB(changingDuringRead change: @escaping @Sendable (String) -> Void) throws -> SyncOutcome {
            let dFile = dFile
            return try FileContents.$duringRead.withValue({ path in if path == dFile { change(path) } }) {
                try peers.sync(peers.b)
            }
        }

        /// B has C's new review and nothing of D's, and its schedules are the replay of its logs.
        func expectBHasCButNotD(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let b = peers.b
            #expect(try b.reviews(ofCard: try b.card(front: "Plain").id).count == 1, sourceLocation: sourceLocation)
            #expect(try b.cards().first { $0.front == "From D" } == nil, sourceLocation: sourceLocation)
            #expect(try b.checkReplay(timeZone: utc, fix: false).isEmpty, sourceLocation: sourceLocation)
        }

        /// The next sync, with D's file left alone, merges it and adds D's card with its review.
        func expectNextSyncMergesD(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let next = try peers.sync(peers.b)
            #expect(next.warnings.isEmpty, "\(next.warnings)", sourceLocation: sourceLocation)
            #expect(next.merged.contains(dName), sourceLocation: sourceLocation)
            let card = try peers.b.card(front: "From D")
            #expect(try peers.b.reviews(ofCard: card.id).count == 1, sourceLocation: sourceLocation)
        }
    }

    @Test func aPeerFileThatGrowsWhileItIsReadIsSkippedAndTheOthersAreMerged() throws {
        let scene = try Scene()
        defer { withExtendedLifetime(scene) {} }
        // Whitespace at the end: the file stays valid JSON, but it is not the file we began reading.
        let outcome = try scene.syncB { path in
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.seekToEndOfFile()
            handle.write(Data("\n\n".utf8))
            try? handle.close()
        }
        #expect(outcome.warnings == ["skipped \(scene.dName): \(scene.dName) changed while it was being read (another program is writing it)"])
        #expect(!outcome.merged.contains(scene.dName))
        #expect(outcome.merged.count == 2)  // A's and C's
        #expect(outcome.report.reviewsAdded == 1)
        try scene.expectBHasCButNotD()
        try scene.expectNextSyncMergesD()
    }

    @Test func aPeerFileRewrittenInPlaceWhileItIsReadIsSkipped() throws {
        let scene = try Scene()
        defer { withExtendedLifetime(scene) {} }
        let bytes = scene.dBytes
        // The same bytes again, written through the same file (same size, same inode): only its
        // times tell. A writer comes at least a clock tick after the file's last change.
        let outcome = try scene.syncB { path in
            usleep(20_000)
            guard let handle = FileHandle(forWritingAtPath: path) else { return }
            handle.write(bytes)
            try? handle.close()
        }
        #expect(outcome.warnings == ["skipped \(scene.dName): \(scene.dName) changed while it was being read (another program is writing it)"])
        try scene.expectBHasCButNotD()
        try scene.expectNextSyncMergesD()
    }

    @Test func aPeerFileReplacedByRenameWhileItIsReadIsSkipped() throws {
        let scene = try Scene()
        defer { withExtendedLifetime(scene) {} }
        let bytes = scene.dBytes
        // As Syncthing, Dropbox and `recall sync` itself write: a new file renamed over the old one.
        let outcome = try scene.syncB { path in
            let temporary = (path as NSString).deletingLastPathComponent + "/.incoming.tmp"
            _ = FileManager.default.createFile(atPath: temporary, contents: bytes)
            rename(temporary, path)
        }
        #expect(outcome.warnings == ["skipped \(scene.dName): \(scene.dName) changed while it was being read (another program is writing it)"])
        try scene.expectBHasCButNotD()
        try scene.expectNextSyncMergesD()
    }

    @Test func aHalfWrittenPeerFileIsSkippedTheOthersAreMergedAndNothingOfItIsApplied() throws {
        let scene = try Scene()
        defer { withExtendedLifetime(scene) {} }
        // D's file cut off three quarters through, as a writer that has not finished leaves it:
        // everything before the cut is well-formed, and none of it may reach the store.
        let cut = scene.dBytes.count * 3 / 4
        try scene.dBytes.prefix(cut).write(to: URL(fileURLWithPath: scene.dFile))
        let outcome = try scene.peers.sync(scene.peers.b)
        #expect(outcome.warnings.count == 1)
        let warning = try #require(outcome.warnings.first)
        #expect(warning.hasPrefix("skipped \(scene.dName): \(scene.dName):"), "\(warning)")
        #expect(warning.contains(": invalid JSON: "), "\(warning)")
        #expect(outcome.merged.count == 2)
        #expect(outcome.report == {
            var report = MergeReport()
            report.reviewsAdded = 1
            return report
        }())
        try scene.expectBHasCButNotD()
        // The writer finishes; the next sync takes the whole file.
        try scene.dBytes.write(to: URL(fileURLWithPath: scene.dFile))
        try scene.expectNextSyncMergesD()
    }
}
