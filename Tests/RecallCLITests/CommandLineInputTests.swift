import Foundation
import Testing

/// What people type on the command line: echoed safely in errors, repeated ids, values and
/// queries that start with a dash, an empty RECALL_NOW.
@Suite struct CommandLineInputTests {
    func sandbox(fronts: [String] = ["q1", "q2"]) throws -> RecallSandbox {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        for front in fronts { try sandbox.ok(["add", "--deck", "D", "--front", front, "--back", "a"]) }
        return sandbox
    }

    /// True when `text` holds no C0 control other than the newline, no DEL and no C1 control.
    func isTerminalSafe(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0 == "\n" || ($0.value >= 0x20 && !(0x7F...0x9F).contains($0.value)) }
    }

    static let hostileCommands: [([String], Int32)] = [
        (["import", "\u{1B}[31mred.md"], 1),
        (["show", "\u{1B}]0;x\u{07}12"], 64),
        (["list", "--deck", "\u{1B}[2Jnope"], 1),
        (["deck", "rename", "\u{9B}31mold\nline", "new"], 1),
        (["list", "--bogus\u{1B}[2J"], 64),
    ]

    @Test(arguments: hostileCommands)
    func errorLinesShowControlCharactersFromTheInputAsVisibleSymbols(arguments: [String], status: Int32) throws {
        let sandbox = try sandbox()
        let result = try sandbox.run(arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("recall: error: "))
        #expect(isTerminalSafe(result.stderr), "\(result.stderr.debugDescription)")
        // Shown, not obeyed: as a visible symbol, or escaped inside a quoted deck name.
        #expect(["␛", "<U+009B>", "\\u001b", "\\u009b"].contains { result.stderr.contains($0) }, "\(result.stderr.debugDescription)")
        if status == 1 { #expect(result.stderr.split(separator: "\n").count == 1) }
    }

    static let usageErrorsWithNewlines: [[String]] = [
        ["list", "--x\nfake"],
        ["x\ny"],
        ["answer", "1", "good", "--duration", "5\nx"],
        ["answer", "1", "go\tod\r"],
    ]

    /// The QA repro: a newline in what was typed split the error, so a line of it looked like
    /// recall's own. Now a usage error is two lines whatever was typed.
    @Test(arguments: usageErrorsWithNewlines)
    func aUsageErrorIsTheMessageLineAndTheUsageLine(arguments: [String]) throws {
        let sandbox = try sandbox()
        let result = try sandbox.run(arguments)
        #expect(result.status == 64)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "\(result.stderr.debugDescription)")
        #expect(lines.first?.hasPrefix("recall: error: ") == true)
        #expect(lines.count > 1 && lines[1].hasPrefix("Usage: recall "), "\(result.stderr.debugDescription)")
        #expect(isTerminalSafe(result.stderr) && !result.stderr.contains("\t"))
        #expect(["␤", "␉"].contains { result.stderr.contains($0) })
    }

    @Test func aUsageErrorShowsWhatWasTypedWithItsControlCharactersVisible() throws {
        let sandbox = try sandbox()
        let result = try sandbox.run(["list", "--x\nfake"])
        #expect(result.stderr == "recall: error: Unknown option '--x␤fake'\n"
            + "Usage: recall list [--db <path>] [--deck <deck>] [--due] [--json]\n")
        #expect(try sandbox.run(["answer", "1", "gr\teat"]).stderr
            .hasPrefix("recall: error: rating must be again, hard, good, easy or 1-4, got 'gr␉eat'\nUsage: recall answer "))
    }

    @Test func rmWithARepeatedIdDeletesThatCardOnce() throws {
        let sandbox = try sandbox()
        #expect(try sandbox.ok(["rm", "2", "2"]) == "deleted card 2\n")
        #expect(try sandbox.ok(["list"]).split(separator: "\n").count == 1)
        #expect(try sandbox.ok(["rm", "1", "01", "1"]) == "deleted card 1\n")
    }

    @Test func suspendAndUnsuspendReportARepeatedIdOnce() throws {
        let sandbox = try sandbox()
        #expect(try sandbox.ok(["suspend", "1", "1", "2", "1"]) == "card 1 suspended\ncard 2 suspended\n")
        #expect(try sandbox.ok(["unsuspend", "2", "2"]) == "card 2 unsuspended\n")
    }

    @Test func fsrsParametersOutsideTheirRangeAreRefusedNamingTheWeightAndItsRange() throws {
        let sandbox = try sandbox()
        let defaults = try sandbox.ok(["config", "parameters"])
        var weights = defaults.trimmingCharacters(in: .newlines).components(separatedBy: ", ")
        #expect(weights.count == 21)
        weights[0] = "-1"
        #expect(try sandbox.fails(["config", "parameters", weights.joined(separator: ", ")])
            == "recall: error: parameters: w0 must be between 0.001 and 100, got -1")
        #expect(try sandbox.fails(["config", "parameters", Array(repeating: "100", count: 21).joined(separator: ",")])
            == "recall: error: parameters: w4 must be between 1 and 10, got 100")
        weights[0] = "0.212"
        weights[20] = "0.9"
        #expect(try sandbox.fails(["config", "--deck", "D", "parameters", weights.joined(separator: " ")])
            == "recall: error: parameters: w20 (decay) must be between 0.1 and 0.8, got 0.9")
        #expect(try sandbox.ok(["config", "parameters"]) == defaults)
        weights[20] = "0.8"
        try sandbox.ok(["config", "parameters", weights.joined(separator: " ")])
    }

    @Test func configTakesANegativeValueWithOrWithoutDoubleDash() throws {
        let sandbox = try sandbox()
        #expect(try sandbox.fails(["config", "new_per_day", "-1"])
            == "recall: error: new_per_day must be between 0 and 9999, got -1")
        #expect(try sandbox.fails(["config", "--deck", "D", "new_per_day", "--", "-3"])
            == "recall: error: new_per_day must be between 0 and 9999, got -3")
        #expect(try sandbox.ok(["config", "new_per_day", "--", "7"]) == "new_per_day = 7\n")
        #expect(try sandbox.run(["config", "-x"]).status == 64)
    }

    @Test func aSearchQueryMayStartWithADash() throws {
        let sandbox = try sandbox(fronts: ["What is the GIL?", "What is a decorator?"])
        let found = try #require(try sandbox.json(["search", "-gil", "--json"]) as? [[String: Any]])
        #expect(found.map { $0["front"] as? String } == ["What is the GIL?"])
        #expect(try sandbox.ok(["search", "--", "-gil"]).contains("What is the GIL?"))
        #expect(try sandbox.ok(["search", "-zebra"]) == "no cards match\n")
    }

    @Test func countsOfOneAreSingular() throws {
        let sandbox = try sandbox()
        try sandbox.ok(["answer", "1", "good"])
        #expect(try sandbox.ok(["show", "1"]).contains(" · 1 review, 0 lapses\n"))
    }

    @Test func anEmptyRecallNowMeansTheSystemClock() throws {
        let sandbox = try sandbox(fronts: [])
        try sandbox.ok(["add", "--front", "q", "--back", "a"], environment: ["RECALL_NOW": ""])
        let card = try #require(try sandbox.json(["show", "1", "--json"]) as? [String: Any])
        let created = try #require(card["created"] as? String)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = try #require(formatter.date(from: created))
        #expect(abs(date.timeIntervalSinceNow) < 600, "\(created)")
    }
}
