import Foundation
import Testing

/// Issue 3: the store and the command skeleton, driven through the built binary.
@Suite struct FoundationCommandTests {
    @Test func versionHelpAndCompletionScriptsWork() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        #expect(try sandbox.ok(["--version"]).trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try sandbox.ok(["help", "add"])
        #expect(help.contains("--front"))
        #expect(help.contains("Add a card and print its id."))
        let bash = try sandbox.ok(["--generate-completion-script", "bash"])
        #expect(bash.contains("_recall"))
        #expect(bash.contains("search"))
        #expect(try sandbox.ok(["--generate-completion-script", "zsh"]).contains("#compdef recall"))
        #expect(try sandbox.ok(["--generate-completion-script", "fish"]).contains("recall"))
    }

    @Test func initCreatesTheStoreAtTheDefaultPathWithMissingFolders() throws {
        let sandbox = RecallSandbox()
        sandbox.environment["RECALL_DB"] = nil
        let out = try sandbox.ok(["init", "--empty"])
        let expected = sandbox.path("data/recall/recall.sqlite")
        #expect(out == "created \(expected)\n")
        #expect(FileManager.default.fileExists(atPath: expected))
        #expect(try sandbox.ok(["init", "--empty"]) == "\(expected) already exists; nothing changed\n")
    }

    @Test func dbOptionOverridesTheEnvironment() throws {
        let sandbox = RecallSandbox()
        let other = sandbox.path("elsewhere/x.sqlite")
        try sandbox.ok(["add", "--db", other, "--deck", "D", "--front", "q", "--back", "a"])
        #expect(FileManager.default.fileExists(atPath: other))
        #expect(!FileManager.default.fileExists(atPath: sandbox.dbPath))
    }

    @Test func addPrintsTheNewIdAndShowGivesTheDocumentedJSON() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let id = try sandbox.ok(["add", "--deck", "Python", "--front", "What is the GIL?", "--back", "A mutex.",
                                 "--tag", "threads", "--tag", "cpython"])
        #expect(id == "1\n")
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        for key in ["id", "deck", "note", "front", "back", "tags", "created", "modified", "suspended", "state", "reviews"] {
            #expect(card[key] != nil, "missing \(key)")
        }
        #expect(card["deck"] as? String == "Python")
        #expect(card["front"] as? String == "What is the GIL?")
        #expect(card["tags"] as? [String] == ["threads", "cpython"])
        #expect(card["created"] as? String == "2026-11-25T12:00:00.000Z")
        #expect(card["suspended"] as? Bool == false)
        #expect(card["reviews"] as? [Any] != nil)
        let state = try #require(card["state"] as? [String: Any])
        #expect(state["phase"] as? String == "new")
        for key in ["due", "stability", "difficulty", "reps", "lapses", "last_review"] {
            #expect(state[key] != nil, "missing state.\(key)")
        }
        let text = try sandbox.ok(["show", "1"])
        #expect(text.contains("What is the GIL?"))
        #expect(text.contains("A mutex."))
    }

    @Test func recallNowChangesCreatedAndABadValueIsAnError() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "q", "--back", "a"], environment: ["RECALL_NOW": "2030-01-02T03:04:05.678+02:00"])
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect(card["created"] as? String == "2030-01-02T01:04:05.678Z")
        try sandbox.ok(["add", "--front", "q2", "--back", "a"], environment: ["RECALL_NOW": "2030-01-02T03:04:05", "TZ": "Asia/Kolkata"])
        let local = try #require(try sandbox.json(["show", "2", "--json"]) as? [String: Any])
        #expect(local["created"] as? String == "2030-01-01T21:34:05.000Z")
        let error = try sandbox.fails(["decks"], environment: ["RECALL_NOW": "next tuesday"])
        #expect(error == "recall: error: RECALL_NOW is not an ISO 8601 time: \"next tuesday\" (expected e.g. 2026-11-25T09:00:00Z)")
    }

    @Test func decksShowsNewLearningDueAndTotalCounts() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        for index in 1...3 { try sandbox.ok(["add", "--deck", "Go", "--front", "q\(index)", "--back", "a"]) }
        try sandbox.ok(["add", "--deck", "Rust", "--front", "q", "--back", "a"])
        try sandbox.ok(["suspend", "4"])
        let out = try sandbox.ok(["decks"])
        let lines = out.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
        #expect(lines == ["Deck New Learn Due Total", "Go 3 0 0 3", "Rust 0 0 0 1"])
        let json = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(json.map { $0["name"] as? String } == ["Go", "Rust"])
        #expect(json.first?["new"] as? Int == 3)
    }

    @Test func editChangesFieldsFromFlags() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "q", "--back", "a", "--tag", "x"])
        #expect(try sandbox.ok(["edit", "1", "--back", "better answer", "--tags", "y, z"]) == "card 1 updated\n")
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect(card["front"] as? String == "q")
        #expect(card["back"] as? String == "better answer")
        #expect(card["tags"] as? [String] == ["y", "z"])
        #expect(try sandbox.ok(["edit", "1", "--back", "better answer"]) == "card 1 unchanged\n")
        #expect(try sandbox.fails(["edit", "1", "--front", "  "]) == "recall: error: the front cannot be empty")
    }

    @Test func editWithoutFlagsOpensTheEditor() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "old question", "--back", "old answer"])
        let script = sandbox.path("editor.sh")
        try """
        #!/bin/sh
        sed -e 's/old question/new question/' -e 's/old answer/new answer\\n\\n```python\\nprint(1)\\n```/' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        #expect(try sandbox.ok(["edit", "1"], environment: ["EDITOR": script]) == "card 1 updated\n")
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect(card["front"] as? String == "new question")
        #expect(card["back"] as? String == "new answer\n\n```python\nprint(1)\n```")
        #expect(try sandbox.ok(["edit", "1"], environment: ["EDITOR": "true"]) == "card 1 unchanged\n")
        let failed = try sandbox.fails(["edit", "1"], environment: ["EDITOR": "false"])
        #expect(failed == "recall: error: the editor \"false\" exited with status 1; the card is unchanged")
    }

    @Test func aMarkerLineRepeatedInTheEditorIsTextNotANewSection() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "How does recall's editor split a card?", "--back", "old"])
        let script = sandbox.path("editor.sh")
        try """
        #!/bin/sh
        printf '%%%% front\nHow does recall'"'"'s editor split a card?\n%%%% back\nBy marker lines:\n%%%% back\nstarts the answer.\n' > "$1"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        #expect(try sandbox.ok(["edit", "1"], environment: ["EDITOR": script]) == "card 1 updated\n")
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect(card["back"] as? String == "By marker lines:\n%% back\nstarts the answer.")
    }

    @Test func searchCanBeLimitedToADeckAndItsSubDecks() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "Go", "--front", "What is a goroutine?", "--back", "A lightweight thread."])
        try sandbox.ok(["add", "--deck", "Go::Sync", "--front", "What does a mutex guard?", "--back", "A critical section of a thread."])
        try sandbox.ok(["add", "--deck", "Python", "--front", "What is the GIL?", "--back", "A lock: one thread runs bytecode."])
        #expect(try sandbox.ok(["search", "thread"]).split(separator: "\n").count >= 3)
        let inGo = try #require(try sandbox.json(["search", "thread", "--deck", "Go", "--json"]) as? [[String: Any]])
        #expect(Set(inGo.compactMap { $0["deck"] as? String }) == ["Go", "Go::Sync"])
        #expect(try sandbox.fails(["search", "thread", "--deck", "Rust"]) == "recall: error: deck \"Rust\" not found")
    }

    @Test func removeDeletesCardsAndUnknownIdsChangeNothing() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "q1", "--back", "a"])
        try sandbox.ok(["add", "--front", "q2", "--back", "a"])
        #expect(try sandbox.fails(["rm", "1", "99"]) == "recall: error: card 99 not found")
        #expect(try sandbox.ok(["list"]).split(separator: "\n").count == 2)
        #expect(try sandbox.ok(["rm", "1"]) == "deleted card 1\n")
        #expect(try sandbox.fails(["show", "1"]) == "recall: error: card 1 not found")
    }

    static let commandsWithABadCardID: [[String]] = [
        ["show", "abc"], ["edit", "abc", "--back", "b"], ["rm", "2", "abc"], ["suspend", "abc"],
        ["unsuspend", "2", "0"], ["answer", "abc", "good"], ["answer", "1.5", "great"],
    ]

    /// The QA finding: `recall show abc` exited 1 without the usage line, while a bad rating
    /// exits 64 with it. Text that is not a card id is wrong usage for every command that takes one.
    @Test(arguments: commandsWithABadCardID)
    func aCardIDThatIsNotANumberIsAUsageError(arguments: [String]) throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "q1", "--back", "a"])
        try sandbox.ok(["add", "--front", "q2", "--back", "a"])
        let before = try sandbox.ok(["export"])
        let result = try sandbox.run(arguments)
        #expect(result.status == 64)
        let bad = arguments.first { ["abc", "0", "1.5"].contains($0) } ?? ""
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first == "recall: error: \"\(bad)\" is not a card id (expected a number such as 42)")
        #expect(lines.last?.hasPrefix("Usage: recall \(arguments[0]) [--db <path>] ") == true)
        #expect(try sandbox.ok(["export"]) == before)
        // A number that names no card is the store's answer, not wrong usage.
        #expect(try sandbox.fails(["show", "99"]) == "recall: error: card 99 not found")
    }

    @Test func suspendAndUnsuspendToggleTheCard() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "q", "--back", "a"])
        #expect(try sandbox.ok(["suspend", "1"]) == "card 1 suspended\n")
        #expect(try sandbox.ok(["suspend", "1"]) == "card 1 was already suspended\n")
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect(card["suspended"] as? Bool == true)
        #expect(try sandbox.ok(["unsuspend", "1"]) == "card 1 unsuspended\n")
        #expect(try sandbox.fails(["suspend", "7"]) == "recall: error: card 7 not found")
    }

    @Test func listFiltersByDeckAndDue() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "A", "--front", "alpha", "--back", "a"])
        try sandbox.ok(["add", "--deck", "A::Sub", "--front", "beta", "--back", "b"])
        try sandbox.ok(["add", "--deck", "B", "--front", "gamma", "--back", "c"])
        let inA = try #require(try sandbox.json(["list", "--deck", "A", "--json"]) as? [[String: Any]])
        #expect(inA.map { $0["front"] as? String } == ["alpha", "beta"])
        #expect(try sandbox.ok(["list", "--due"]) == "")
        #expect(try sandbox.fails(["list", "--deck", "Nope"]) == "recall: error: deck \"Nope\" not found")
        #expect(try sandbox.ok(["list"]).contains("gamma"))
    }

    @Test(arguments: ["\"foo", "AND", "c++", "*", "NEAR(x", "'); DROP TABLE cards;--"])
    func searchAcceptsAnyText(query: String) throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "c++ and foo", "--back", "templates"])
        let result = try sandbox.run(["search", query, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) is [Any])
    }

    @Test func searchFindsCards() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--front", "What is a decorator?", "--back", "A function wrapping a function"])
        try sandbox.ok(["add", "--front", "What is the GIL?", "--back", "A mutex"])
        let found = try #require(try sandbox.json(["search", "wrapping", "--json"]) as? [[String: Any]])
        #expect(found.map { $0["front"] as? String } == ["What is a decorator?"])
        #expect(try sandbox.ok(["search", "zebra"]) == "no cards match\n")
    }

    @Test func deckRenameAndDelete() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try sandbox.ok(["add", "--deck", "Old", "--front", "q", "--back", "a"])
        #expect(try sandbox.ok(["deck", "rename", "Old", "New"]) == "renamed deck \"Old\" to \"New\"\n")
        #expect(try sandbox.fails(["deck", "rename", "Old", "X"]) == "recall: error: deck \"Old\" not found")
        try sandbox.ok(["add", "--deck", "New::Child", "--front", "q2", "--back", "a"])
        try sandbox.ok(["add", "--deck", "Newer", "--front", "q3", "--back", "a"])
        #expect(try sandbox.ok(["deck", "delete", "New"]) == "deleted deck \"New\" and its 2 cards\n")
        let left = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(left.map { $0["name"] as? String } == ["Newer"])
        #expect(try sandbox.fails(["deck", "delete", "New"]) == "recall: error: deck \"New\" not found")
    }

    @Test func hostileAndUnicodeTextIsStoredExactly() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let front = "'); DROP TABLE cards;-- 👩‍💻 e\u{301} עברית"
        let big = String(repeating: "ü✓ back line\n", count: 80_000)  // ~1.2 MB, through stdin
        try sandbox.ok(["add", "--front", front, "--back", "-"], stdin: big)
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        #expect(card["front"] as? String == front)
        #expect(card["back"] as? String == big)
        #expect(try sandbox.ok(["list"]).contains("DROP TABLE"))
    }

    @Test func foreignFilesAreRefusedByEveryCommand() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = sandbox.path("notes.txt")
        try "hello\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = try sandbox.fails(["decks", "--db", path])
        #expect(error == "recall: error: \(path) is not a SQLite database; refusing to touch it")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
    }

    @Test func theBinaryStandsAloneWithoutTheSourceTree() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let copy = sandbox.path("bin/recall")
        try FileManager.default.createDirectory(atPath: sandbox.path("bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: RecallSandbox.binary.path, toPath: copy)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: copy)
        process.arguments = ["init", "--empty"]
        process.environment = sandbox.environment
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: sandbox.dbPath))
    }

    @Test func usageErrorsExitWith64() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let result = try sandbox.run(["add", "--front", "q"])
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("recall: error: Missing expected argument '--back <back>'"))
        #expect(try sandbox.run(["frobnicate"]).status == 64)
    }

    @Test func twoProcessesAddingAtOnceBothSucceed() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let script = """
            for i in $(seq 1 500); do "$RECALL" add --deck "D$1" --front "q$1-$i" --back a >/dev/null || exit 1; done
            """
        var processes: [Process] = []
        for worker in 1...2 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script, "sh", String(worker)]
            process.environment = sandbox.environment.merging(["RECALL": RecallSandbox.binary.path]) { $1 }
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            processes.append(process)
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let decks = try #require(try sandbox.json(["decks", "--json"]) as? [[String: Any]])
        #expect(decks.map { $0["total"] as? Int } == [500, 500])
    }
}
