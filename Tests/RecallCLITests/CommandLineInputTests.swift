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
        (["show", "\u{1B}]0;x\u{07}12"], 1),
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
        #expect(result.stderr.contains("␛") || result.stderr.contains("<U+009B>"))
        if status == 1 { #expect(result.stderr.split(separator: "\n").count == 1) }
    }
}
