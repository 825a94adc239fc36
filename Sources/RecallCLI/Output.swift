import RecallTerminal
import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync

/// Writes to standard output and error. Card text goes through `Sanitizer` before it reaches a
/// terminal (DESIGN.md invariant 6).
enum Output {
    static func line(_ text: String = "") {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// The one way to standard error. Error and warning lines quote what the user typed (a card
    /// id, a deck name, a file name) and what files contain, so every control character is made
    /// visible here rather than in each message (DESIGN.md invariant 6). With `oneLine`, a
    /// newline is made visible too, so that an error stays the one line README.md promises;
    /// usage errors keep theirs (the usage text follows on the next lines).
    static func error(_ text: String, oneLine: Bool = false) {
        let safe = Sanitizer.sanitize(text, keepNewlines: !oneLine)
        FileHandle.standardError.write(Data((safe + "\n").utf8))
    }

    /// `text` on one line with every control character shown as a symbol: a tab as `␉` and a
    /// newline as `␤` (`Sanitizer` keeps tabs as spaces, which hide them in a quoted argument).
    static func visible(_ text: String) -> String {
        Sanitizer.sanitize(text.replacingOccurrences(of: "\t", with: "\u{2409}"), keepNewlines: false)
    }

    /// `recall: warning: …` on standard error: something was skipped or adjusted, and the
    /// command went on.
    static func warning(_ text: String) {
        error("recall: warning: " + text, oneLine: true)
    }

    /// "1 card", "2 cards", "0 cards"; `plural` for nouns that do not just add an s.
    static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? singular : plural ?? singular + "s")
    }

    static func json(_ value: JSONValue) {
        line(value.formatted())
    }

    /// One line of card text for tables: control characters made visible, whitespace collapsed,
    /// cut to `width` characters.
    static func summary(_ text: String, width: Int) -> String {
        let flat = Sanitizer.sanitize(text).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        if flat.count <= width { return flat }
        return String(flat.prefix(max(1, width - 1))) + "…"
    }

    /// Local date and time for people (`2026-11-26 09:00`).
    static func localTime(_ millis: Millis, zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    /// Pads or cuts to a column width.
    static func column(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        if count >= width { return text }
        let padding = String(repeating: " ", count: width - count)
        return right ? padding + text : text + padding
    }
}

/// Standard input as text (invalid UTF-8 is replaced, never trapped on).
enum StandardInput {
    static func readAll() -> String {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }
}
