import Foundation
import Testing
import RecallStore

/// Issue 14: nothing lost, whatever happens — the trash, backups, and the slips of the hand
/// that used to lose or strand a store (items 3, 6, 8, 10, 11).
@Suite struct SafetyCommandTests {
    /// A store with two cards in deck "D", card 1 answered.
    func sandbox() throws -> RecallSandbox {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "D", "--front", "question 1", "--back", "answer 1"])
        try sandbox.ok(["add", "--deck", "D", "--front", "question 2", "--back", "answer 2"])
        try sandbox.ok(["answer", "1", "good"])
        return sandbox
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    // MARK: Item 3: export onto the store itself

    @Test func exportOntoTheStoreItselfIsRefusedAndTheStoreKept() throws {
        let sandbox = try sandbox()
        let before = try sandbox.ok(["list"])
        let line = try sandbox.fails(["export", "-o", sandbox.dbPath])
        #expect(line == "recall: error: \(sandbox.dbPath) is the store itself; refusing to replace it with the export (give another file)")
        // Through another name for the same file too.
        let link = sandbox.path("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: sandbox.dbPath)
        try sandbox.fails(["export", "-o", link])
        #expect(try sandbox.ok(["list"]) == before)
        try sandbox.ok(["check"])
    }

    @Test func exportOverAnotherSQLiteDatabaseIsRefused() throws {
        let sandbox = try sandbox()
        let other = sandbox.path("other.sqlite")
        try sandbox.ok(["init", "--empty", "--db", other])
        let before = bytes(other)
        #expect(try sandbox.fails(["export", "-o", other]).hasSuffix("is a SQLite database; refusing to replace it with the export (give another file)"))
        #expect(bytes(other) == before)
    }

    // MARK: Item 10: the mode of a replaced export

    @Test func exportOverAPrivateFileKeepsItPrivate() throws {
        let sandbox = try sandbox()
        let file = sandbox.path("private.json")
        _ = FileManager.default.createFile(atPath: file, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600])
        try sandbox.ok(["export", "-o", file])
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(String(decoding: bytes(file) ?? Data(), as: UTF8.self).contains("question 1"))
    }

    // MARK: Item 11: a zero-length store

    @Test func aZeroLengthStoreIsRefusedUnlessInit() throws {
        let sandbox = RecallSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.path("store"), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: sandbox.dbPath, contents: Data())
        for command in [["decks"], ["add", "--deck", "D", "--front", "q", "--back", "a"], ["export"]] {
            let line = try sandbox.fails(command)
            #expect(line == "recall: error: \(sandbox.dbPath) is empty (0 bytes): it may be a store that lost its content; "
                + "restore a backup (`recall restore --backup FILE`), or run `recall init` to start a new store there")
            #expect(bytes(sandbox.dbPath)?.isEmpty == true)
        }
        #expect(try sandbox.ok(["init", "--empty"]) == "created \(sandbox.dbPath)\n")
        try sandbox.ok(["decks"])
    }

    // MARK: Item 8: a read-only store

    @Test func aReadOnlyStoreCanBeReadAndExportedAndRefusesWritesUnchanged() throws {
        let sandbox = try sandbox()
        let reader = ReadOnlyRunner(sandbox)
        try reader.protect()
        defer { reader.unprotect() }
        let before = bytes(sandbox.dbPath)
        let decks = try reader.run(["decks"])
        #expect(decks.status == 0, "\(decks.stderr)")
        #expect(decks.stdout.contains("D "))
        let out = sandbox.path("out/export.json")
        let export = try reader.run(["export", "-o", out])
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stderr.contains("the store is read-only"))
        #expect(String(decoding: bytes(out) ?? Data(), as: UTF8.self).contains("question 2"))
        let answer = try reader.run(["answer", "2", "good"])
        #expect(answer.status == 1)
        #expect(answer.stderr == "recall: error: the store \(sandbox.dbPath) is read-only (the file or its folder cannot be written); nothing changed\n")
        #expect(bytes(sandbox.dbPath) == before)
    }

    // MARK: Item 6: --prune of an emptied bank

    func bankSandbox(cards: Int, answered: Int) throws -> (RecallSandbox, String) {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let bank = sandbox.path("bank.md")
        let text = (1...cards).map { "## Question number \($0)?\n\nAnswer number \($0).\n" }.joined(separator: "\n")
        try text.write(toFile: bank, atomically: true, encoding: .utf8)
        try sandbox.ok(["import", bank])
        for id in 1...max(1, answered) where answered > 0 { try sandbox.ok(["answer", String(id), "good"]) }
        return (sandbox, bank)
    }

    @Test func pruneOfAnEmptiedBankIsRefusedUnlessYes() throws {
        let (sandbox, bank) = try bankSandbox(cards: 3, answered: 1)
        try "".write(toFile: bank, atomically: true, encoding: .utf8)
        let before = try sandbox.ok(["list"])
        let line = try sandbox.fails(["import", bank, "--prune"])
        #expect(line == "recall: error: \(bank) holds no cards now, but 3 cards came from it; --prune would delete them all. "
            + "Nothing changed: check the file, or add --yes to prune anyway")
        #expect(try sandbox.ok(["list"]) == before)
        try sandbox.ok(["import", bank, "--prune", "--yes"])
        #expect(try sandbox.ok(["list"]).isEmpty)
        let trash = try sandbox.ok(["trash"])
        #expect(trash.split(separator: "\n").count == 3)
        #expect(trash.contains("recall import --prune: gone from bank.md"))
        try sandbox.ok(["restore", "--all"])
        #expect(try sandbox.ok(["list"]) == before)
        let shown = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect((shown["reviews"] as? [Any])?.count == 1)
        try sandbox.ok(["check"])
    }

    @Test func pruneOfMoreThanFiftyCardsWithHistoryAsksForYes() throws {
        let (sandbox, bank) = try bankSandbox(cards: 52, answered: 0)
        // 51 answers in one go, through one process per answer would be slow: use the review log
        // of `answer` for 51 cards by a loop of the binary anyway (the real path).
        for id in 1...51 { try sandbox.ok(["answer", String(id), "good"]) }
        try "## Question number 52?\n\nAnswer number 52.\n".write(toFile: bank, atomically: true, encoding: .utf8)
        let line = try sandbox.fails(["import", bank, "--prune"])
        #expect(line.hasPrefix("recall: error: --prune would delete 51 cards with review history; nothing changed."))
        #expect(try sandbox.ok(["list"]).split(separator: "\n").count == 52)
        try sandbox.ok(["import", bank, "--prune", "--yes"])
        #expect(try sandbox.ok(["list"]).split(separator: "\n").count == 1)
    }

    // MARK: The trash

    @Test func removedCardsComeBackFromTheTrashWithTheirHistory() throws {
        let sandbox = try sandbox()
        let shown = try sandbox.ok(["show", "1", "--json"])
        try sandbox.ok(["rm", "1", "2"])
        #expect(try sandbox.fails(["show", "1"]) == "recall: error: card 1 not found")
        let trash = try sandbox.ok(["trash"])
        #expect(trash == "1\t2026-11-25 12:00 UTC\trecall rm\tD\t1 review\tquestion 1\n"
            + "2\t2026-11-25 12:00 UTC\trecall rm\tD\t0 reviews\tquestion 2\n")
        #expect(try sandbox.ok(["restore", "1"]) == "restored card 1\n")
        // Same card, same schedule and history; only `modified` moves (so that sync sends it out).
        var before = try #require(try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any])
        var after = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        before["modified"] = nil
        after["modified"] = nil
        #expect(NSDictionary(dictionary: before) == NSDictionary(dictionary: after))
        #expect(try sandbox.fails(["restore", "1"]) == "recall: error: card 1 is not in the trash (`recall trash` lists what is)")
        try sandbox.ok(["check"])
    }

    @Test func aDeletedDeckComesBackWithItsOptions() throws {
        let sandbox = try sandbox()
        try sandbox.ok(["config", "--deck", "D", "new_per_day", "7"])
        try sandbox.ok(["deck", "delete", "D"])
        #expect(try sandbox.ok(["trash"]).contains("recall deck delete D"))
        try sandbox.ok(["restore", "--all"])
        #expect(try sandbox.ok(["list"]).split(separator: "\n").count == 2)
        #expect(try sandbox.ok(["config", "--deck", "D", "new_per_day"]).contains("7"))
        try sandbox.ok(["check"])
    }

    @Test func theTrashForgetsCardsAfterThirtyDays() throws {
        let sandbox = try sandbox()
        try sandbox.ok(["rm", "1"])
        // The next deletion, 31 days later, purges the first.
        try sandbox.ok(["rm", "2"], environment: ["RECALL_NOW": "2026-12-26T12:00:00Z"])
        let trash = try sandbox.ok(["trash"])
        #expect(trash.hasPrefix("2\t"))
        #expect(trash.split(separator: "\n").count == 1)
    }

    @Test func aRestoredCardReachesAnotherStoreThroughExport() throws {
        let first = try sandbox()
        let file = first.path("deck.json")
        try first.ok(["export", "-o", file])
        let second = RecallSandbox()
        second.environment["RECALL_DB"] = second.path("second.sqlite")
        try second.ok(["init", "--empty"])
        try second.ok(["import", file])
        try first.ok(["rm", "1"], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        try first.ok(["export", "-o", file], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        try second.ok(["import", file], environment: ["RECALL_NOW": "2026-11-26T12:00:00Z"])
        #expect(!(try second.ok(["list"])).contains("question 1"))
        try first.ok(["restore", "1"], environment: ["RECALL_NOW": "2026-11-27T12:00:00Z"])
        try first.ok(["export", "-o", file], environment: ["RECALL_NOW": "2026-11-27T12:00:00Z"])
        try second.ok(["import", file], environment: ["RECALL_NOW": "2026-11-27T12:00:00Z"])
        #expect(try second.ok(["list"]).contains("question 1"))
    }

    /// A store with cards and an empty second store, each synced once through one folder.
    func twoSyncedStores() throws -> (first: RecallSandbox, second: RecallSandbox, folder: String) {
        let first = try sandbox()
        let folder = first.path("sync")
        let second = RecallSandbox()
        second.environment["RECALL_DB"] = second.path("second.sqlite")
        try second.ok(["init", "--empty"])
        try first.ok(["sync", folder])
        try second.ok(["sync", folder])
        return (first, second, folder)
    }

    @Test func aCardASyncBroughtBackIsNotRestoredTwice() throws {
        let (first, second, folder) = try twoSyncedStores()
        let day2 = ["RECALL_NOW": "2026-11-26T12:00:00Z"]
        let day3 = ["RECALL_NOW": "2026-11-27T12:00:00Z"]
        try first.ok(["rm", "1"], environment: day2)
        try first.ok(["sync", folder], environment: day2)
        // The second store answers the card after the deletion: sync brings it back.
        let id = try #require(try second.ok(["list"]).split(separator: "\n").first { $0.contains("question 1") }?
            .split(separator: " ", omittingEmptySubsequences: true).first.map(String.init))
        try second.ok(["answer", id, "good"], environment: day3)
        try second.ok(["sync", folder], environment: day3)
        try first.ok(["sync", folder], environment: day3)
        let list = try first.ok(["list"])
        let back = try #require(list.split(separator: "\n").first { $0.contains("question 1") }?
            .split(separator: " ", omittingEmptySubsequences: true).first.map(String.init))
        #expect(try first.ok(["restore", "1"], environment: day3)
                == "card 1 is back already as card \(back) (a sync brought it back with its reviews); left in the trash\n")
        #expect(try first.ok(["list"]) == list)
        try first.ok(["check"])
    }

    @Test func aCardAPeerDeletedGoesToTheTrashWithItsHistoryAndItsRestoreReachesThePeer() throws {
        let (first, second, folder) = try twoSyncedStores()
        try first.ok(["answer", "1", "good"])
        try first.ok(["sync", folder])
        try second.ok(["sync", folder])
        let day2 = ["RECALL_NOW": "2026-11-26T12:00:00Z"]
        let day3 = ["RECALL_NOW": "2026-11-27T12:00:00Z"]
        let id = try #require(try second.ok(["list"]).split(separator: "\n").first { $0.contains("question 1") }?
            .split(separator: " ", omittingEmptySubsequences: true).first.map(String.init))
        let history = try #require((try second.json(["show", id, "--json"]) as? [String: Any])?["reviews"] as? [Any])
        #expect(!history.isEmpty)
        try first.ok(["rm", "1"], environment: day2)
        try first.ok(["sync", folder], environment: day2)
        let synced = try second.ok(["sync", folder], environment: day2)
        #expect(synced.contains("1 card deleted by a deck file is in the trash for 30 days"))
        #expect(!(try second.ok(["list"])).contains("question 1"))
        let trash = try second.ok(["trash"])
        #expect(trash.contains("question 1") && trash.contains("sync: a deletion in "))
        try second.ok(["restore", id], environment: day3)
        let restored = try #require((try second.json(["show", id, "--json"]) as? [String: Any])?["reviews"] as? [Any])
        #expect(restored.count == history.count)
        try second.ok(["sync", folder], environment: day3)
        try first.ok(["sync", folder], environment: day3)
        #expect(try first.ok(["list"]).contains("question 1"))
        try first.ok(["check"])
        try second.ok(["check"])
    }

    @Test func editsMadeWhileTheClockRanYearsAheadDoNotWinForeverAfterIt() throws {
        let (first, second, folder) = try twoSyncedStores()
        // The first machine's clock runs years ahead while its user edits card 1.
        try first.ok(["edit", "1", "--front", "edited far ahead"], environment: ["RECALL_NOW": "2031-01-01T12:00:00Z"])
        let day2 = ["RECALL_NOW": "2026-11-26T12:00:00Z"]
        let day3 = ["RECALL_NOW": "2026-11-27T12:00:00Z"]
        let synced = try first.run(["sync", folder], environment: day2)
        #expect(synced.status == 0)
        #expect(synced.stderr.contains("more than a day ahead of this machine's clock"))
        try second.ok(["sync", folder], environment: day2)
        #expect(try second.ok(["list"]).contains("edited far ahead"))
        // A later edit on the other machine wins, on both, for good.
        let id = try #require(try second.ok(["list"]).split(separator: "\n").first { $0.contains("edited far ahead") }?
            .split(separator: " ", omittingEmptySubsequences: true).first.map(String.init))
        try second.ok(["edit", id, "--front", "edited later"], environment: day3)
        try second.ok(["sync", folder], environment: day3)
        try first.ok(["sync", folder], environment: day3)
        try second.ok(["sync", folder], environment: day3)
        #expect(try first.ok(["list"]).contains("edited later"))
        #expect(try second.ok(["list"]).contains("edited later"))
        #expect(try first.ok(["export", "--no-history"], environment: day3) == (try second.ok(["export", "--no-history"], environment: day3)))
    }

    // MARK: Backups

    func backups(_ sandbox: RecallSandbox) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sandbox.dbPath + ".backups")) ?? []).sorted()
    }

    @Test func theFirstWriteOfEachDayMakesABackupAndSevenAreKept() throws {
        let sandbox = try sandbox()
        #expect(backups(sandbox) == ["2026-11-25T120000Z-daily.sqlite"])
        try sandbox.ok(["answer", "2", "good"])
        #expect(backups(sandbox).count == 1)
        for day in 1...9 {
            try sandbox.ok(["add", "--deck", "D", "--front", "q\(day)", "--back", "a"],
                           environment: ["RECALL_NOW": "2026-12-0\(day)T12:00:00Z"])
            Thread.sleep(forTimeInterval: 0.01)  // kept by when they were made
        }
        let kept = backups(sandbox)
        #expect(kept.count == 7)
        #expect(kept.first == "2026-12-03T120000Z-daily.sqlite")
        #expect(kept.last == "2026-12-09T120000Z-daily.sqlite")
        // The backup made before day 9's card holds day 8's and not day 9's.
        let newest = sandbox.dbPath + ".backups/" + (kept.last ?? "")
        let list = try sandbox.ok(["list", "--db", newest])
        #expect(list.contains("q8"))
        #expect(!list.contains("q9"))
    }

    @Test func backupAndRestoreBackPutTheStoreBack() throws {
        let sandbox = try sandbox()
        let file = sandbox.path("safe.sqlite")
        #expect(try sandbox.ok(["backup", file]) == "backed up \(sandbox.dbPath) to \(file)\n")
        let before = try sandbox.ok(["list"])
        try sandbox.ok(["rm", "1", "2"])
        #expect(try sandbox.ok(["list"]).isEmpty)
        let out = try sandbox.ok(["restore", "--backup", file])
        #expect(out.hasPrefix("restored \(sandbox.dbPath) from \(file); the store as it was is in \(sandbox.dbPath).backups/"))
        #expect(try sandbox.ok(["list"]) == before)
        try sandbox.ok(["check"])
        #expect(try sandbox.ok(["backup"]).contains(".backups/2026-11-25T120000Z-manual.sqlite"))
    }

    @Test func checkReportsADamagedFileAndABackupMendsIt() throws {
        let sandbox = try sandbox()
        let file = sandbox.path("safe.sqlite")
        try sandbox.ok(["backup", file])
        // Zero one page of an index: the tables still read, but the file is no longer sound.
        let root = try #require(try Database(path: sandbox.dbPath, readOnly: true)
            .scalarInt("SELECT rootpage FROM sqlite_master WHERE name = 'cards_by_queue'"))
        let handle = try #require(FileHandle(forUpdatingAtPath: sandbox.dbPath))
        try handle.seek(toOffset: UInt64(root - 1) * 4096)
        handle.write(Data(repeating: 0, count: 4096))
        try handle.close()
        let line = try sandbox.fails(["check"])
        #expect(line.hasPrefix("recall: error: the store file is damaged (SQLite's integrity check: "))
        #expect(line.hasSuffix("`recall restore --backup FILE` puts a backup back (see \(sandbox.dbPath).backups)"))
        try sandbox.ok(["restore", "--backup", file])
        #expect(try sandbox.ok(["check"]) == "all cards match their review logs\n")
    }

    @Test func restoreRefusesAFileThatIsNotARecallStore() throws {
        let sandbox = try sandbox()
        let before = try sandbox.ok(["list"])
        let text = sandbox.path("notes.txt")
        try "hello".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(try sandbox.fails(["restore", "--backup", text]) == "recall: error: \(text) is not a SQLite database; refusing to touch it")
        let empty = sandbox.path("empty.sqlite")
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        #expect(try sandbox.fails(["restore", "--backup", empty]).contains("is not a recall store"))
        #expect(try sandbox.ok(["list"]) == before)
    }
}

/// Runs `recall` as a user who may read the sandbox's store but not write it or its folder: as
/// `nobody` when the tests run as root (root may write anything), else after a chmod.
struct ReadOnlyRunner {
    let sandbox: RecallSandbox
    init(_ sandbox: RecallSandbox) { self.sandbox = sandbox }

    var folder: String { (sandbox.dbPath as NSString).deletingLastPathComponent }

    func protect() throws {
        try FileManager.default.createDirectory(atPath: sandbox.path("out"), withIntermediateDirectories: true)
        chmod(sandbox.path("out"), 0o777)
        chmod(sandbox.folder.path, 0o755)
        chmod(folder, 0o555)
        chmod(sandbox.dbPath, 0o444)
    }

    func unprotect() {
        chmod(folder, 0o755)
        chmod(sandbox.dbPath, 0o644)
    }

    func run(_ arguments: [String]) throws -> RunResult {
        let process = Process()
        if geteuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", RecallSandbox.binary.path] + arguments
        } else {
            process.executableURL = RecallSandbox.binary
            process.arguments = arguments
        }
        process.environment = sandbox.environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                         stderr: String(decoding: stderr, as: UTF8.self))
    }
}

/// Issue 14 items 7 and 9: export and sync against undo, and what a killed export leaves.
@Suite struct ExportRaceTests {
    /// A pid that no process has now: a child's, after it ended.
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func staleTemporaryFilesOfAKilledExportOrSyncAreRemovedOnTheNextRun() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init"])
        let dead = try deadPID()
        let stale = sandbox.path(".export.json.\(dead).12345.tmp")
        let live = sandbox.path(".export.json.\(getpid()).777.tmp")  // an export running now
        let other = sandbox.path(".other.json.\(dead).5.tmp")        // not this target's
        for file in [stale, live, other] { _ = FileManager.default.createFile(atPath: file, contents: Data("x".utf8)) }
        try sandbox.ok(["export", "-o", sandbox.path("export.json")])
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: live))
        #expect(FileManager.default.fileExists(atPath: other))

        let folder = sandbox.path("sync")
        try sandbox.ok(["sync", folder])
        let own = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).first { $0.hasSuffix(".json") })
        let staleSync = folder + "/.\(own).\(dead).99.tmp"
        _ = FileManager.default.createFile(atPath: staleSync, contents: Data("x".utf8))
        try sandbox.ok(["answer", "1", "good"])
        try sandbox.ok(["sync", folder])
        #expect(!FileManager.default.fileExists(atPath: staleSync))
    }

    /// Answers and undos in a loop while exports run: no answer an export wrote may be undone
    /// afterwards (it would come back at the next sync). Before the fix, 86 of 485 undos raced.
    @Test func anUndoNeverTakesBackAnAnswerAnExportWrote() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init"])
        let stop = sandbox.path("stop")
        let racer = Process()
        racer.executableURL = URL(fileURLWithPath: "/bin/sh")
        racer.arguments = ["-c", """
            i=0
            while [ ! -e "$STOP" ]; do
              i=$((i + 1)); card=$((i % 90 + 1))
              "$RECALL" answer "$card" good >/dev/null 2>&1
              "$RECALL" undo >/dev/null 2>&1
            done
            """]
        racer.environment = sandbox.environment.merging(["RECALL": RecallSandbox.binary.path, "STOP": stop]) { $1 }
        try racer.run()
        defer {
            _ = FileManager.default.createFile(atPath: stop, contents: nil)
            racer.waitUntilExit()
        }
        let pattern = try NSRegularExpression(pattern: "\"id\":\"([0-9a-f]{8}-[0-9a-f-]{27})\"")
        let deadline = Date().addingTimeInterval(4)
        var exports = 0
        var checked = 0
        while Date() < deadline {
            let file = sandbox.path("race.json")
            let result = try sandbox.run(["export", "-o", file])
            guard result.status == 0 else { continue }  // busy under load is allowed; nothing written
            exports += 1
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
            let exported = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
                Range($0.range(at: 1), in: text).map { String(text[$0]) }
            }
            usleep(30_000)  // let the racer try its undo
            let db = try Database(path: sandbox.dbPath, readOnly: true)
            try db.execute("PRAGMA busy_timeout = 5000")
            let stored = Set(try db.rows("SELECT id FROM review_log") { $0.reviewID(0).description })
            for id in exported {
                checked += 1
                #expect(stored.contains(id), "review \(id) was exported, then undone")
            }
        }
        #expect(exports > 3)
        #expect(checked > 0)
    }
}

/// Issue 14 item 4: a store copied to a second machine.
@Suite struct CopiedStoreTests {
    func reviews(_ sandbox: RecallSandbox, db: String) throws -> Set<String> {
        let database = try Database(path: db, readOnly: true)
        return Set(try database.rows("SELECT id FROM review_log") { $0.reviewID(0).description })
    }

    @Test func aCopiedStoreNoticesItsFileWrittenElsewhereTakesANewIdAndMerges() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init"])
        let folder = sandbox.path("sync")
        try sandbox.ok(["sync", folder])
        // The user copies the store to a second machine.
        let copy = sandbox.path("copy/recall.sqlite")
        try FileManager.default.createDirectory(atPath: sandbox.path("copy"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sandbox.dbPath, toPath: copy)
        // Both study, the original syncs first.
        try sandbox.ok(["answer", "1", "good"])
        try sandbox.ok(["answer", "2", "good", "--db", copy])
        try sandbox.ok(["sync", folder])
        let result = try sandbox.run(["sync", folder, "--db", copy])
        #expect(result.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count == 2, "\(files)")
        #expect(result.stderr.hasPrefix("recall: warning: "))
        #expect(result.stderr.contains("holds history this store never wrote (a copy of this store synced from another machine): this store is now device "))
        try sandbox.ok(["sync", folder])
        let original = try reviews(sandbox, db: sandbox.dbPath)
        #expect(original.count == 2)
        #expect(try reviews(sandbox, db: copy) == original)
        // From then on they sync quietly.
        try sandbox.ok(["answer", "3", "good", "--db", copy])
        let again = try sandbox.run(["sync", folder, "--db", copy])
        #expect(again.status == 0 && again.stderr.isEmpty, "\(again.stderr)")
        try sandbox.ok(["sync", folder])
        #expect(try reviews(sandbox, db: sandbox.dbPath).count == 3)
    }

    @Test func aStoreThatSyncedBeforeKeepsItsIdWhenItsFileIsUnchanged() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init"])
        let folder = sandbox.path("sync")
        try sandbox.ok(["sync", folder])
        try sandbox.ok(["answer", "1", "good"])
        let result = try sandbox.run(["sync", folder])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }.count == 1)
    }
}
