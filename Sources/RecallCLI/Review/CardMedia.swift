import Foundation
import RecallModel
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
        for candidate in Store.mediaNameCandidates(for: name) {
            guard let file = try? store.media(named: candidate) else { continue }
            let path = store.mediaContentPath(file)
            return FileManager.default.fileExists(atPath: path) ? path : nil
        }
        return nil
    }

    /// The sounds `text` refers to, in order, each once.
    static func soundNames(in text: String) -> [String] {
        var seen: Set<String> = []
        return MediaReferences.sounds(in: text).map(\.name).filter { seen.insert($0).inserted }
    }

    /// `text` with each `[sound:name]` shown as `♪ name`, the name escaped so that Markdown
    /// shows it as written.
    static func showingSounds(_ text: String) -> String {
        let tags = MediaReferences.sounds(in: text)
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
