import Foundation
import RecallStore
import RecallTerminal

/// The media a card's text refers to: pictures as Markdown images (`![alt](name.png)`) and
/// sounds in Anki's syntax (`[sound:name.mp3]`), both by the name the store's `media` table
/// knows. Resolving a name never leaves the media folder: the path is always the folder plus
/// the content's hash.
struct CardMedia {
    let store: Store

    /// The content file of media `name`, or nil when the store has no such name or its content
    /// has not arrived (a peer's file not synced yet).
    func path(of name: String) -> String? {
        for candidate in Self.candidates(for: name) {
            guard let file = try? store.media(named: candidate) else { continue }
            let path = store.mediaContentPath(file)
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        return nil
    }

    /// The names a reference may mean: as written, percent-decoded (Anki writes `a%20b.png`),
    /// and its last component made safe (a bank's `img/a.png` stored as `a.png`).
    static func candidates(for name: String) -> [String] {
        var names = [name]
        if let decoded = name.removingPercentEncoding, decoded != name { names.append(decoded) }
        for each in names {
            if let safe = Store.safeMediaName(each), !names.contains(safe) { names.append(safe) }
        }
        return names
    }

    /// The sounds `text` refers to, in order, each once.
    static func soundNames(in text: String) -> [String] {
        var seen: Set<String> = []
        return soundTags(in: text).map(\.name).filter { seen.insert($0).inserted }
    }

    /// `text` with each `[sound:name]` shown as `♪ name`, the name escaped so that Markdown
    /// shows it as written.
    static func showingSounds(_ text: String) -> String {
        let tags = soundTags(in: text)
        guard !tags.isEmpty else { return text }
        var result = ""
        var position = text.startIndex
        for tag in tags {
            result += text[position..<tag.range.lowerBound]
            result += "♪ " + escapeMarkdown(tag.name)
            position = tag.range.upperBound
        }
        result += text[position...]
        return result
    }

    /// `text` for line output (`recall show`, `recall next`): each Markdown image as
    /// `[image: name]`, the rest as written.
    static func describingImages(_ text: String) -> String {
        guard text.contains("![") else { return text }
        // `![alt](target)` or `![alt](target "title")`, alt without brackets: the form importers write.
        guard let pattern = try? NSRegularExpression(pattern: #"!\[[^\[\]\n]*\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"\n]*")?\s*\)"#)
        else { return text }
        let whole = NSRange(text.startIndex..., in: text)
        return pattern.stringByReplacingMatches(in: text, range: whole, withTemplate: "[image: $1]")
    }

    private static func soundTags(in text: String) -> [(range: Range<String.Index>, name: String)] {
        var tags: [(Range<String.Index>, String)] = []
        var searchStart = text.startIndex
        while let open = text.range(of: "[sound:", range: searchStart..<text.endIndex) {
            guard let close = text[open.upperBound...].firstIndex(of: "]") else { break }
            let name = text[open.upperBound..<close].trimmingCharacters(in: .whitespaces)
            let end = text.index(after: close)
            if !name.isEmpty, !name.contains("\n") { tags.append((open.lowerBound..<end, name)) }
            searchStart = end
        }
        return tags
    }

    private static func escapeMarkdown(_ name: String) -> String {
        var escaped = ""
        for character in name {
            if character.isASCII, character.isPunctuation || character.isSymbol, character != "." && character != "-" {
                escaped.append("\\")
            }
            escaped.append(character)
        }
        return escaped
    }
}
