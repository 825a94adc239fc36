import Foundation
import RecallStore

/// Edits a card in the user's editor through a temporary file of three sections.
/// The section markers are lines no Markdown card would contain on its own.
struct EditorSession {
    let environment: [String: String]

    static let frontMarker = "%% front"
    static let backMarker = "%% back"
    static let tagsMarker = "%% tags (space-separated)"

    struct Edited: Equatable {
        var front: String
        var back: String
        var tags: [String]
    }

    static func render(_ card: CardRecord) -> String {
        "\(frontMarker)\n\(card.front)\n\(backMarker)\n\(card.back)\n\(tagsMarker)\n\(card.tags.joined(separator: " "))\n"
    }

    /// Splits the edited file back into its sections; nil when a marker is missing.
    static func parse(_ text: String) -> Edited? {
        var sections: [String: [Substring]] = [:]
        var current: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // Each marker opens its section once; the same line again is text of the section
            // it is in (a card about these very markers), never a reset that drops what came before.
            if [frontMarker, backMarker, tagsMarker].contains(trimmed), sections[trimmed] == nil {
                current = trimmed
                sections[trimmed] = []
            } else if let current {
                sections[current, default: []].append(line)
            }
        }
        guard let front = sections[frontMarker], let back = sections[backMarker] else { return nil }
        func section(_ lines: [Substring]) -> String {
            lines.joined(separator: "\n").trimmingCharacters(in: .newlines)
        }
        let tags = (sections[tagsMarker] ?? []).flatMap { $0.split(whereSeparator: { $0.isWhitespace || $0 == "," }) }.map(String.init)
        return Edited(front: section(front), back: section(back), tags: tags)
    }

    /// Opens the editor on the card. Returns nil when the file came back unchanged.
    func edit(_ card: CardRecord) throws -> Edited? {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("recall-edit-\(ProcessInfo.processInfo.processIdentifier)-\(card.id)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("card-\(card.id).md")
        let original = Self.render(card)
        try Data(original.utf8).write(to: file)
        let editor = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The editor command may carry arguments (`code --wait`); the file is passed as "$1".
        process.arguments = ["-c", editor + " \"$1\"", "recall-editor", file.path]
        do {
            try process.run()
        } catch {
            throw CLIError.editorFailed("cannot start the editor \"\(editor)\"")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CLIError.editorFailed("the editor \"\(editor)\" exited with status \(process.terminationStatus)")
        }
        guard let data = try? Data(contentsOf: file) else {
            throw CLIError.editorFailed("the edited file is gone")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text == original { return nil }
        guard let edited = Self.parse(text) else {
            throw CLIError.editorFailed("the edited file lost its \"\(Self.frontMarker)\" or \"\(Self.backMarker)\" line")
        }
        if edited == Edited(front: card.front, back: card.back, tags: card.tags) { return nil }
        return edited
    }
}
