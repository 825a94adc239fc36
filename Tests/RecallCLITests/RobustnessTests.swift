import Foundation
import RecallScheduler
import RecallStore
import Testing

/// Issue 14's robustness suite (README.md, "Robustness"): kill -9 at random moments, several
/// writers at once, mutated input files, and a hostile sync folder, all through the built binary.
/// The CI runs are short; `scripts/soak-*.sh` run the same tests far longer by setting
/// `RECALL_SOAK` (a multiplier of the rounds) and `RECALL_SOAK_SEED`.
@Suite(.serialized) struct RobustnessTests {
    /// How many times more rounds than in CI (1 in CI).
    static let soak = max(1, Int(ProcessInfo.processInfo.environment["RECALL_SOAK"] ?? "") ?? 1)

    /// The seeded generator for this run; the seed is printed by a failing expectation.
    static let seed = UInt64(ProcessInfo.processInfo.environment["RECALL_SOAK_SEED"] ?? "")
        ?? UInt64.random(in: 1...UInt64(UInt32.max))

    // MARK: Helpers

    /// A child `recall` that can be killed: output goes to files read after it ends.
    final class Child {
        let process = Process()
        let out: URL
        let err: URL

        init(_ sandbox: RecallSandbox, _ arguments: [String], environment: [String: String] = [:]) throws {
            process.executableURL = RecallSandbox.binary
            process.arguments = arguments
            process.environment = sandbox.environment.merging(environment) { $1 }
            out = sandbox.folder.appendingPathComponent("child-out-\(UUID().uuidString)")
            err = sandbox.folder.appendingPathComponent("child-err-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: out)
            process.standardError = try FileHandle(forWritingTo: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        /// Waits at most `seconds`; false if it was still running (then it is killed).
        func wait(seconds: Double) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while process.isRunning && Date() < deadline { usleep(2_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return false
            }
            process.waitUntilExit()
            return true
        }

        /// SIGKILL now, if it still runs; true when it was killed rather than finished.
        func killNow() -> Bool {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            return process.terminationReason == .uncaughtSignal
        }

        var stdout: String { String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self) }
        var stderr: String { String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self) }
    }

    /// SQLite's own verdict on the file, and `recall check`'s on the replay of every card.
    func expectConsistent(_ sandbox: RecallSandbox, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let check = try sandbox.run(["check"])
        #expect(check.status == 0, "\(what): recall check: \(check.stdout)\(check.stderr)", sourceLocation: sourceLocation)
        let db = try Database(path: sandbox.dbPath, readOnly: true)
        let verdict = try db.row("PRAGMA integrity_check") { $0.textValue(0) }
        #expect(verdict == "ok", "\(what): integrity_check: \(verdict ?? "-")", sourceLocation: sourceLocation)
    }

    /// Reviews per card id, from the store.
    func reviewCounts(_ sandbox: RecallSandbox) throws -> [Int64: Int] {
        let db = try Database(path: sandbox.dbPath, readOnly: true)
        let rows = try db.rows("SELECT card_id, count(*) FROM review_log GROUP BY card_id") { ($0.int64Value(0), $0.intValue(1)) }
        return Dictionary(uniqueKeysWithValues: rows)
    }

    /// A bank of `count` cards, `variant` changing some answers so that a re-import updates.
    func writeBank(_ path: String, count: Int, variant: Int) throws {
        let text = (1...count).map { "## Robust question \($0)?\n\nAnswer \($0)\(($0 + variant) % 7 == 0 ? " v\(variant)" : "").\n" }
            .joined(separator: "\n")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    // MARK: kill -9

    @Test func killedAtRandomMomentsTheStoreStaysConsistentAndKeepsEveryReportedAnswer() throws {
        var random = SeededRandom(seed: Self.seed)
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let bank = sandbox.path("bank.md")
        try writeBank(bank, count: 300, variant: 0)
        try sandbox.ok(["import", bank])
        let peer = RecallSandbox()
        try peer.ok(["init", "--empty"])
        try peer.ok(["add", "--deck", "Peer", "--front", "peer q", "--back", "peer a"])
        try peer.ok(["answer", "1", "good"])
        let folder = sandbox.path("sync")
        try peer.ok(["sync", folder])
        let deckFile = sandbox.path("peer-export.json")
        try peer.ok(["export", "-o", deckFile])
        var reported: [Int64: Int] = [:]
        let rounds = 25 * Self.soak
        for round in 0..<rounds {
            let operation = round % 5
            var arguments: [String]
            var card: Int64 = 0
            switch operation {
            case 0:
                try writeBank(bank, count: 300, variant: round)
                arguments = ["import", bank]
            case 1: arguments = ["import", deckFile]
            case 2: arguments = ["sync", folder]
            case 3: arguments = ["export", "-o", sandbox.path("export.json")]
            default:
                card = Int64(random.next(below: 300) + 1)
                arguments = ["answer", String(card), "good"]
            }
            let child = try Child(sandbox, arguments)
            usleep(UInt32(random.next(below: 60_000)))
            let killed = child.killNow()
            if !killed && child.process.terminationStatus == 0 && operation == 4 {
                reported[card, default: 0] += 1
            }
            #expect(killed || child.process.terminationStatus == 0,
                    "seed \(Self.seed) round \(round): recall \(arguments.joined(separator: " ")) failed: \(child.stderr)")
        }
        try expectConsistent(sandbox, "seed \(Self.seed)")
        let counts = try reviewCounts(sandbox)
        for (card, answers) in reported {
            #expect(counts[card, default: 0] >= answers, "seed \(Self.seed): card \(card) lost an answer the child reported")
        }
        // The store still works normally.
        try sandbox.ok(["sync", folder])
        try sandbox.ok(["export", "-o", sandbox.path("final.json")])
    }

    /// A deck file of `cards` one-card notes in one deck, each with two reviews: more cards than
    /// a merge takes at a time, so that an import into an empty store writes in bulk, through a
    /// rollback journal rather than the log (`Store.writeInBulk`).
    func writeLargeDeckFile(_ path: String, cards: Int) throws {
        var text = "{\"format\": \"recall-deck\", \"version\": 2, \"tombstones\": [], \"decks\": [{\"id\": \"d1\", "
            + "\"name\": \"Large\", \"config\": {}, \"cards\": [\n"
        for i in 0..<cards {
            let id = String(format: "%016x", 0xB000_0000 + i)
            text += (i == 0 ? "" : ",\n") + "{\"id\": \"\(id)\", \"note\": \"n\(id)\", \"front\": \"Large question \(i)?\", "
                + "\"back\": \"Answer \(i)\", \"created\": \"2025-11-01T12:00:00.000Z\", \"modified\": \"2025-11-01T12:00:00.000Z\", "
                + "\"reviews\": [{\"id\": \"first-\(i)\", \"at\": \"2025-11-02T12:00:00.000Z\", \"rating\": 3, \"duration_ms\": 2000}, "
                + "{\"id\": \"second-\(i)\", \"at\": \"2025-11-05T12:00:00.000Z\", \"rating\": 3, \"duration_ms\": 2000}]}"
        }
        try (text + "\n]}]}\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A question bank of `cards` tab-separated question/answer lines.
    func writeLargeBank(_ path: String, cards: Int) throws {
        let text = (0..<cards).map { "Bank question \($0)?\tBank answer \($0)." }.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// A first import large enough to write in bulk (a deck file with two reviews a card, or a
    /// TSV bank), killed at random moments: the store is left empty or whole, consistent, and
    /// back in its write-ahead log once the import is run again.
    @Test(arguments: ["large.json", "large.tsv"])
    func aFirstImportKilledAtRandomMomentsLeavesTheStoreEmptyOrWholeAndBackInItsLog(file: String) throws {
        var random = SeededRandom(seed: Self.seed &+ 1)
        let files = RecallSandbox()
        let path = files.path(file)
        let cards = 5_000
        let reviewsPerCard = file.hasSuffix(".json") ? 2 : 0
        if file.hasSuffix(".json") { try writeLargeDeckFile(path, cards: cards) } else { try writeLargeBank(path, cards: cards) }
        // How long a whole import takes here, to kill it anywhere within that.
        let timed = RecallSandbox()
        try timed.ok(["init", "--empty"])
        let start = Date()
        try timed.ok(["import", path])
        let duration = Date().timeIntervalSince(start)
        for round in 0..<(4 * Self.soak) {
            let sandbox = RecallSandbox()
            try sandbox.ok(["init", "--empty"])
            let child = try Child(sandbox, ["import", path])
            usleep(UInt32(Double(random.next(below: 1000)) / 1000 * duration * 1_000_000))
            let killed = child.killNow()
            #expect(killed || child.process.terminationStatus == 0,
                    "seed \(Self.seed) round \(round): recall import failed: \(child.stderr)")
            try expectConsistent(sandbox, "seed \(Self.seed) round \(round)")
            let held = try Database(path: sandbox.dbPath, readOnly: true).scalarInt("SELECT count(*) FROM cards")
            #expect(held == 0 || held == Int64(cards), "seed \(Self.seed) round \(round): \(held ?? -1) cards after the kill")
            // The next import finishes the job, and the store is in its write-ahead log again.
            try sandbox.ok(["import", path])
            let db = try Database(path: sandbox.dbPath, readOnly: true)
            #expect(try db.scalarInt("SELECT count(*) FROM cards") == Int64(cards))
            #expect(try db.scalarInt("SELECT count(*) FROM review_log") == Int64(reviewsPerCard * cards))
            #expect(try db.row("PRAGMA journal_mode") { $0.textValue(0) } == "wal")
            #expect(!FileManager.default.fileExists(atPath: sandbox.dbPath + "-journal"))
        }
    }

    // MARK: Concurrent writers

    @Test func fourWritersAtOnceAllSucceedAndNothingIsLost() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        for index in 1...8 { try sandbox.ok(["add", "--deck", "D", "--front", "q\(index)", "--back", "a\(index)"]) }
        let perWriter = 6 * Self.soak
        let script = """
            for i in $(seq 1 \(perWriter)); do
              "$RECALL" answer "$CARD" good || exit 1
              "$RECALL" add --deck "W$CARD" --front "w$CARD-$i" --back x >/dev/null || exit 1
            done
            """
        var writers: [Process] = []
        for card in 1...4 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.environment = sandbox.environment.merging(["RECALL": RecallSandbox.binary.path, "CARD": String(card)]) { $1 }
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            writers.append(process)
        }
        let reader = try Child(sandbox, ["sync", sandbox.path("sync")])
        #expect(reader.wait(seconds: 60))
        for writer in writers {
            writer.waitUntilExit()
            #expect(writer.terminationStatus == 0)
        }
        let counts = try reviewCounts(sandbox)
        for card in Int64(1)...4 { #expect(counts[card] == perWriter) }
        for card in 1...4 { #expect(try sandbox.ok(["list", "--deck", "W\(card)"]).split(separator: "\n").count == perWriter) }
        try expectConsistent(sandbox, "after concurrent writers")
    }

    // MARK: Fuzz

    /// Real files, mutated: flipped bytes, cut short, a run of odd bytes inserted, lines swapped.
    static func mutate(_ bytes: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = bytes
        guard !bytes.isEmpty else { return [0xff] }
        switch random.next(below: 5) {
        case 0:
            for _ in 0..<(1 + random.next(below: 8)) { bytes[random.next(below: bytes.count)] = UInt8(random.next(below: 256)) }
        case 1:
            bytes = Array(bytes.prefix(random.next(below: bytes.count)))
        case 2:
            let odd: [[UInt8]] = [[0], [0xc3], [0xe2, 0x80], [0x1b, 0x5b, 0x32, 0x4a], Array("\"{[".utf8), Array("\n```\n".utf8),
                                  Array("-9223372036854775809".utf8), Array("1e999999".utf8), [0xef, 0xbb, 0xbf]]
            bytes.insert(contentsOf: odd[random.next(below: odd.count)], at: random.next(below: bytes.count))
        case 3:
            bytes += bytes.prefix(random.next(below: bytes.count))
        default:
            let a = random.next(below: bytes.count)
            let b = random.next(below: bytes.count)
            bytes.swapAt(a, b)
            bytes.removeSubrange(min(a, b)..<min(min(a, b) + random.next(below: 64), bytes.count))
        }
        return bytes
    }

    @Test func mutatedBanksAndDeckFilesNeverCrashHangOrChangeTheStoreWhenRefused() throws {
        var random = SeededRandom(seed: Self.seed)
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let deckSource = RecallSandbox()
        try deckSource.ok(["init"])
        for id in 1...5 { try deckSource.ok(["answer", String(id), "good"]) }
        let deckFile = deckSource.path("deck.json")
        try deckSource.ok(["export", "-o", deckFile])
        let fixtures = RecallSandbox.fixtures.appendingPathComponent("import")
        let originals: [(name: String, bytes: [UInt8])] = try [
            ("python-interview.md", fixtures.appendingPathComponent("python-interview.md").path),
            ("plain.tsv", fixtures.appendingPathComponent("plain.tsv").path),
            ("anki-export.txt", fixtures.appendingPathComponent("anki-export.txt").path),
            ("deck.json", deckFile),
        ].map { ($0.0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: $0.1)))) }
        var baseline = try sandbox.ok(["export"])
        let rounds = 24 * Self.soak
        for round in 0..<rounds {
            let original = originals[round % originals.count]
            let path = sandbox.path("fuzz-\(round)-" + original.name)
            try Data(Self.mutate(original.bytes, &random)).write(to: URL(fileURLWithPath: path))
            let child = try Child(sandbox, ["import", path])
            let finished = child.wait(seconds: 5)
            let what = "seed \(Self.seed) round \(round) (\(original.name))"
            #expect(finished, "\(what): import hung for over 5 s")
            #expect(child.process.terminationReason == .exit, "\(what): import crashed: \(child.stderr)")
            let status = child.process.terminationStatus
            #expect(status == 0 || status == 1, "\(what): exit \(status): \(child.stderr)")
            let after = try sandbox.ok(["export"])
            if status == 1 {
                #expect(child.stderr.split(separator: "\n").count == 1, "\(what): \(child.stderr)")
                #expect(after == baseline, "\(what): a failed import changed the store")
            }
            baseline = after
            try? FileManager.default.removeItem(atPath: path)
        }
        try expectConsistent(sandbox, "seed \(Self.seed)")
    }

    // MARK: Hostile sync folder

    /// A sync folder with a good peer file and one hostile entry; `recall sync` must finish
    /// within 5 s with the good file merged and the store consistent.
    func syncWith(_ name: String, _ make: (String, RecallSandbox) throws -> Void) throws -> (Child, RecallSandbox) {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "Mine", "--front", "mine", "--back", "a"])
        let folder = sandbox.path("sync")
        let peer = RecallSandbox()
        try peer.ok(["init", "--empty"])
        try peer.ok(["add", "--deck", "Peer", "--front", "from the peer", "--back", "a"])
        try peer.ok(["sync", folder])
        try make(folder, sandbox)
        let child = try Child(sandbox, ["sync", folder])
        let finished = child.wait(seconds: 5)
        #expect(finished, "\(name): recall sync hung")
        #expect(child.process.terminationReason == .exit, "\(name): recall sync crashed: \(child.stderr)")
        #expect(child.process.terminationStatus == 0, "\(name): \(child.stderr)")
        #expect(try sandbox.ok(["list"]).contains("from the peer"), "\(name): the good peer file was not merged")
        try expectConsistent(sandbox, name)
        return (child, sandbox)
    }

    @Test
    func aSymlinkOutOfTheFolderIsNotRead() throws {
        let outside = RecallSandbox()
        try outside.ok(["init", "--empty"])
        try outside.ok(["add", "--deck", "Secret", "--front", "outside the folder", "--back", "a"])
        let secret = outside.path("secret.json")
        try outside.ok(["export", "-o", secret])
        let (_, sandbox) = try syncWith("symlink") { folder, _ in
            try FileManager.default.createSymbolicLink(atPath: folder + "/evil.json", withDestinationPath: secret)
        }
        #expect(!(try sandbox.ok(["list"])).contains("outside the folder"))
    }

    @Test func aDirectoryNamedLikeADeckFileIsSkipped() throws {
        _ = try syncWith("directory") { folder, _ in
            try FileManager.default.createDirectory(atPath: folder + "/dir.json", withIntermediateDirectories: true)
        }
    }

    @Test func aSocketInTheFolderIsSkipped() throws {
        _ = try syncWith("socket") { folder, _ in
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            #expect(descriptor >= 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = Array((folder + "/sock.json").utf8CString)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in path.prefix(raw.count - 1).enumerated() { raw[index] = UInt8(bitPattern: byte) }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            #expect(bound == 0)
            close(descriptor)
        }
    }

    @Test func anUnreadableFileIsSkipped() throws {
        _ = try syncWith("unreadable") { folder, _ in
            let path = folder + "/locked.json"
            try Data("{}".utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0)
        }
    }

    @Test func aMillionDeepNestingIsRefusedWithoutACrash() throws {
        _ = try syncWith("deep nesting") { folder, _ in
            try Data(String(repeating: "[", count: 1_000_000).utf8).write(to: URL(fileURLWithPath: folder + "/deep.json"))
        }
    }

    @Test
    func aFIFOInTheFolderDoesNotHangSync() throws {
        _ = try syncWith("fifo") { folder, _ in #expect(mkfifo(folder + "/peer.json", 0o644) == 0) }
    }

    @Test
    func theSmallestIntegerInAPeerFileIsRefusedWithoutACrash() throws {
        let source = RecallSandbox()
        try source.ok(["init", "--empty"])
        try source.ok(["add", "--deck", "D", "--front", "q", "--back", "a"])
        let text = try source.ok(["export"])
        let hostile = text.replacingOccurrences(of: "\"ordinal\": 1", with: "\"ordinal\": -9223372036854775808")
            .replacingOccurrences(of: "\"ordinal\":1", with: "\"ordinal\":-9223372036854775808")
        #expect(hostile != text)
        _ = try syncWith("-2^63") { folder, _ in
            try Data(hostile.utf8).write(to: URL(fileURLWithPath: folder + "/hostile.json"))
        }
    }

    @Test
    func farFutureTombstonesDeleteNothingForGood() throws {
        let (_, sandbox) = try syncWith("future") { folder, sandbox in
            let text = try sandbox.ok(["export"])
            let guid = try #require((try sandbox.json(["show", "1", "--json"]) as? [String: Any])?["id"] as? String)
            let tombstone = "{\"deleted\":\"9999-12-31T00:00:00.000Z\",\"id\":\"\(guid)\",\"kind\":\"card\"}"
            let hostile = text.contains("\"tombstones\": []")
                ? text.replacingOccurrences(of: "\"tombstones\": []", with: "\"tombstones\": [\(tombstone)]")
                : text.replacingOccurrences(of: "\"tombstones\": [", with: "\"tombstones\": [\n\(tombstone),")
            #expect(hostile != text)
            try Data(hostile.utf8).write(to: URL(fileURLWithPath: folder + "/future.json"))
        }
        // A time far ahead of the local clock wins nothing: the card stays, with nothing in the trash.
        #expect(try sandbox.ok(["trash"]).isEmpty || !(try sandbox.ok(["trash"])).contains("future.json"))
        #expect(try sandbox.ok(["list"]).contains("mine"))
    }
}

/// The scheduler's splitmix64, so that a failing round can be run again.
typealias SeededRandom = SplitMix64

extension SplitMix64 {
    mutating func next(below bound: Int) -> Int { bound <= 0 ? 0 : Int(next() % UInt64(bound)) }
}
