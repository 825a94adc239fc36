import Foundation

/// How card text refers to media files, by name: a Markdown image, `![alt](name.png)` (also
/// `![alt](<a b.png>)` and `![alt](name.png "title")`), and a sound in Anki's syntax,
/// `[sound:name.mp3]`. The one reading of those references for the review screen, export and sync.
public enum MediaReferences {
    /// Every name `text` refers to, pictures first, in order (repeats kept).
    public static func names(in text: String) -> [String] {
        imageTargets(in: text) + sounds(in: text).map(\.name)
    }

    /// The targets of the Markdown images in `text`.
    public static func imageTargets(in text: String) -> [String] {
        guard text.contains("![") else { return [] }
        var names: [String] = []
        var rest = text[...]
        while let start = rest.range(of: "![") {
            rest = rest[start.upperBound...]
            guard let close = rest.range(of: "]("), !rest[..<close.lowerBound].contains("\n") else { continue }
            var target = rest[close.upperBound...].prefix { $0 != ")" && $0 != "\n" }
            rest = rest[close.upperBound...]
            target = target.drop { $0 == " " }
            if target.hasPrefix("<"), let end = target.firstIndex(of: ">") {
                target = target[target.index(after: target.startIndex)..<end]
            } else if let space = target.firstIndex(of: " ") {
                target = target[..<space]  // a title follows
            }
            if !target.isEmpty { names.append(String(target)) }
        }
        return names
    }

    /// The `[sound:name]` tags in `text`: where each is and the name it gives (trimmed; a tag
    /// with an empty name or a line break is not one).
    public static func sounds(in text: String) -> [(range: Range<String.Index>, name: String)] {
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
}
