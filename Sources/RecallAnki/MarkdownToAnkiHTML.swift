import CCmark
import Foundation

/// Card text is CommonMark; an Anki field is HTML. cmark's own HTML renderer does the
/// conversion, with two choices that keep a card as the user sees it in recall: line breaks
/// inside a paragraph stay line breaks (`HARDBREAKS`), and HTML the user wrote in a card stays
/// HTML (`UNSAFE`: Anki renders a field as HTML anyway).
enum MarkdownToAnkiHTML {
    static func html(_ markdown: String) -> String {
        if markdown.isEmpty { return "" }
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_HARDBREAKS | CMARK_OPT_UNSAFE
        var text = markdown
        let rendered: String = text.withUTF8 { buffer in
            guard let base = buffer.baseAddress,
                  let output = base.withMemoryRebound(to: CChar.self, capacity: buffer.count, {
                      cmark_markdown_to_html($0, buffer.count, options)
                  })
            else { return "" }
            defer { free(output) }
            return String(cString: output)
        }
        var html = rendered
        while html.hasSuffix("\n") { html.removeLast() }
        // One paragraph is the common card ("Paris"): its text alone, as Anki's editor writes it.
        if html.hasPrefix("<p>"), html.hasSuffix("</p>") {
            let inner = html.utf8.dropFirst(3).dropLast(4)
            if StoreToAnki.find(Array("<p>".utf8), in: Array(inner), from: 0) == nil { return String(decoding: inner, as: UTF8.self) }
        }
        return html
    }
}
