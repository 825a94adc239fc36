import Foundation

/// Field and card HTML as recall's Markdown card text: line breaks, lists, bold/italic,
/// `<pre>`/`<code>` as code, entities decoded, `<style>`/`<script>` dropped, `<img>` as a
/// Markdown image naming the media file, `[sound:…]` kept as written.
/// PLACEHOLDER (lead's skeleton): the libxml2 converter replaces this file.
public enum AnkiHTML {
    public static func markdown(fromHTML html: String) -> String {
        var out = ""
        var inTag = false
        for character in html {
            if character == "<" { inTag = true } else if character == ">" { inTag = false } else if !inTag { out.append(character) }
        }
        return out
    }

    /// The answer side of a rendered card: what follows `<hr id=answer>` (the whole answer
    /// when it has no divider, as cloze answers do).
    public static func answerPart(ofAnswerHTML html: String) -> String {
        guard let range = html.range(of: "<hr id=answer>") else { return html }
        return String(html[range.upperBound...])
    }
}
