#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import RecallTerminal
import Testing

/// The sandbox's "now" (`RecallSandbox`'s default `RECALL_NOW`), in milliseconds.
let reviewNow: Millis = 1_795_608_000_000  // 2026-11-25T12:00:00Z

extension RecallSandbox {
    /// A sandbox whose store holds `cards` (front, back) in deck `deck`, ids 1, 2, … in order,
    /// with fuzz off so that intervals are exact. Written in-process through RecallStore: much
    /// faster than one `recall add` per card, and the same rows.
    static func withCards(_ cards: [(front: String, back: String)], deck: String = "D") throws -> RecallSandbox {
        let sandbox = RecallSandbox()
        let store = try Store(path: sandbox.dbPath)
        try store.write {
            try store.setOption("fuzz", to: "false", deck: nil, now: reviewNow)
            for card in cards {
                try store.addNote(deck: deck, front: card.front, back: card.back, now: reviewNow)
            }
        }
        return sandbox
    }

    /// `count` cards "question N" / "answer N", N being the card id.
    static func withNumberedCards(_ count: Int) throws -> RecallSandbox {
        try withCards((1...count).map { ("question \($0)", "answer \($0)") })
    }

    /// `recall review arguments…` in a pseudo-terminal of `size`.
    func startReview(
        _ arguments: [String] = [], environment extra: [String: String] = [:],
        size: TerminalSize = TerminalSize(rows: 24, columns: 80)
    ) throws -> PTYProcess {
        var environment = self.environment
        environment["TERM"] = "xterm-256color"
        for (key, value) in extra { environment[key] = value }
        return try PTYProcess(
            executable: Self.binary.path, arguments: ["review"] + arguments,
            environment: environment.filter { !$0.value.isEmpty }, size: size)
    }

    /// `recall show ID --json`.
    func cardJSON(_ id: Int) throws -> [String: Any] {
        try #require(try json(["show", String(id), "--json"]) as? [String: Any])
    }

    /// The ratings in a card's review log, oldest first.
    func ratings(ofCard id: Int) throws -> [Int] {
        let reviews = try #require(try cardJSON(id)["reviews"] as? [[String: Any]])
        return reviews.compactMap { $0["rating"] as? Int }
    }

    /// Opens the store in-process, for what `--json` does not show (burial).
    func openStore() throws -> Store {
        try Store(path: dbPath)
    }

    /// An executable shell script in the sandbox folder (an `$EDITOR`).
    func script(_ name: String, _ body: String) throws -> String {
        let path = self.path(name)
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o755)
        return path
    }
}

extension PTYProcess {
    /// Waits until the screen shows `text` on some row.
    func waitFor(_ text: String, timeout: Duration = .seconds(10)) throws {
        try waitForScreen(timeout: timeout, "\"\(text)\" on screen") { $0.contains(text) }
    }

    /// Waits until the header says card `id` is on screen.
    func waitForCard(_ id: Int, timeout: Duration = .seconds(10)) throws {
        try waitForScreen(timeout: timeout, "card \(id) in the header") { screen in
            let header = screen.line(0)
            return header.contains("· card \(id) ") || header.hasSuffix("· card \(id)")
        }
    }

    /// Types `keys`, then waits until the screen shows `text`.
    func press(_ keys: String, until text: String) throws {
        try write(keys)
        try waitFor(text)
    }

    /// Everything written after the terminal entered full screen: what the review drew.
    var outputAfterEnteringFullScreen: String {
        let text = outputText
        guard let range = text.range(of: Terminal.enterSequence) else { return text }
        return String(text[range.upperBound...])
    }
}
