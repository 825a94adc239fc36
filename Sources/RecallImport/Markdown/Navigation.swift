import CCmark
import Foundation

/// What in a question bank is there to find one's way, not to learn: tables of contents, "back
/// to top" links, badges and banners, HTML comments, and the closing sections of a repository's
/// README (Contributing, License, Support, Disclaimer, sponsors). None of it makes a card or
/// ends up in a back (issue 11); each is counted, with its line, so that the import summary can
/// say what made no card and why.
enum Navigation {
    /// A top-level block left out of the cards, and why.
    struct Skipped: Equatable {
        var line: Int
        var reason: String
    }

    /// Headings whose whole section is about the repository rather than the subject.
    static let closingHeadings: Set<String> = [
        "contributing", "contribute", "how to contribute",
        "contributors", "license", "licence", "licensing", "support", "disclaimer", "sponsors", "sponsor",
        "backers", "acknowledgements", "acknowledgments", "credits", "translations", "star history", "stargazers",
        "author", "authors", "about the author", "donate", "donation", "donations", "feedback", "changelog",
        "related", "related projects", "see also", "other answers", "useful links", "links",
    ]

    /// `blocks` without the navigation among them, and what was left out.
    static func filter(_ blocks: [Block]) -> (kept: [Block], skipped: [Skipped]) {
        var kept: [Block] = []
        kept.reserveCapacity(blocks.count)
        var skipped: [Skipped] = []
        // A closing section goes with its sub-headings; a table of contents only up to the next
        // heading, since banks often put their questions one level below it.
        var skippingBelow: Int?
        for block in blocks {
            if let level = block.headingLevel {
                if let below = skippingBelow, level > below {
                    continue
                }
                skippingBelow = nil
                if let kind = headingKind(block) {
                    skippingBelow = kind == .contents ? 7 : level
                    skipped.append(Skipped(line: block.startLine, reason: "navigation"))
                    continue
                }
            } else if skippingBelow != nil {
                continue
            }
            if let reason = navigationReason(block) {
                skipped.append(Skipped(line: block.startLine, reason: reason))
                continue
            }
            kept.append(block)
        }
        return (kept, skipped)
    }

    enum HeadingKind { case contents, closing }

    static let contentsHeadings: Set<String> = ["table of contents", "contents", "toc", "index", "questions index"]

    /// Whether a heading opens a table of contents or a closing section, by its words alone
    /// (emoji, numbering and punctuation aside).
    static func headingKind(_ block: Block) -> HeadingKind? {
        let plain = Inlines.plain(block.node)
        // Every such heading is a few words; questions are longer, and most headings are questions.
        guard plain.utf8.count <= 48 else { return nil }
        var label = plain.lowercased()
        label = String(label.unicodeScalars.filter { $0.properties.isAlphabetic || $0 == " " || $0 == "-" })
        let words = label.split(separator: " ").joined(separator: " ")
        if contentsHeadings.contains(words) { return .contents }
        return closingHeadings.contains(words) ? .closing : nil
    }

    /// Why a block is navigation, or nil when it may be content.
    static func navigationReason(_ block: Block) -> String? {
        switch block.kind {
        case .html:
            let text = Inlines.literal(block.node)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("<!--") && trimmed.hasSuffix("-->") { return "navigation" }
            // Banners, badges and centred logos: markup with no words in it.
            let lower = trimmed.lowercased()
            if lower.contains("<details") || lower.contains("<summary") || lower.contains("<pre")
                || lower.contains("<code") || lower.contains("<table") {
                return nil
            }
            return visibleText(ofHTML: trimmed).isEmpty ? "navigation" : nil
        case .paragraph:
            return onlyLinks(block.node) ? "navigation" : nil
        case .list:
            return isTableOfContents(block) ? "navigation" : nil
        case .details:
            // A collapsed list of links (translations, other editions) is a way out of the page.
            let content = block.children.filter { $0.kind != .htmlText }
            return !content.isEmpty && content.allSatisfy(isLinkList) ? "navigation" : nil
        default:
            return nil
        }
    }

    /// Whether a paragraph is made of links to places in the page (`#…`) or of web images (badges,
    /// shields), with nothing else but punctuation, arrows and emphasis around them.
    static func onlyLinks(_ paragraph: OpaquePointer) -> Bool {
        var sawLink = false
        var allowed = true
        func walk(_ parent: OpaquePointer) {
            var child = cmark_node_first_child(parent)
            while let node = child, allowed {
                switch cmark_node_get_type(node) {
                case CMARK_NODE_LINK:
                    let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    if url.hasPrefix("#") || containsImage(node) { sawLink = true } else { allowed = false }
                case CMARK_NODE_IMAGE:
                    // A badge is a picture on the web; a picture in the bank's folder is content.
                    let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    if url.contains("://") || url.hasPrefix("data:") { sawLink = true } else { allowed = false }
                case CMARK_NODE_TEXT:
                    let text = Inlines.literal(node)
                    if text.unicodeScalars.contains(where: { $0.properties.isAlphabetic || $0.properties.numericType != nil }) {
                        allowed = false
                    }
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK, CMARK_NODE_HTML_INLINE:
                    break
                case CMARK_NODE_STRONG, CMARK_NODE_EMPH:
                    walk(node)
                default:
                    allowed = false
                }
                child = cmark_node_next(node)
            }
        }
        walk(paragraph)
        return allowed && sawLink
    }

    static func containsImage(_ node: OpaquePointer) -> Bool {
        var child = cmark_node_first_child(node)
        while let c = child {
            if cmark_node_get_type(c) == CMARK_NODE_IMAGE || containsImage(c) { return true }
            child = cmark_node_next(c)
        }
        return false
    }

    /// A list whose items are each one link to a place in the page, with sub-lists of the same.
    static func isTableOfContents(_ list: Block) -> Bool {
        guard !list.children.isEmpty else { return false }
        for item in list.children {
            guard let first = item.children.first, first.kind == .paragraph, onlyLinks(first.node),
                  Inlines.markdown(first.node).contains("](#") else { return false }
            for rest in item.children.dropFirst() where !(rest.isList && isTableOfContents(rest)) {
                return false
            }
        }
        return true
    }

    /// A list whose items are each one link and nothing else.
    static func isLinkList(_ list: Block) -> Bool {
        guard list.isList, !list.children.isEmpty else { return false }
        return list.children.allSatisfy { item in
            guard item.children.count == 1, let p = item.children.first, p.kind == .paragraph,
                  let link = cmark_node_first_child(p.node), cmark_node_get_type(link) == CMARK_NODE_LINK else {
                return false
            }
            var next = cmark_node_next(link)
            while let node = next {
                guard cmark_node_get_type(node) == CMARK_NODE_TEXT, Inlines.literal(node).trimmed.isEmpty else {
                    return false
                }
                next = cmark_node_next(node)
            }
            return true
        }
    }

    /// The words of an HTML fragment: tags, comments and entities removed.
    static func visibleText(ofHTML html: String) -> String {
        var out = ""
        var inTag = false
        for scalar in html.unicodeScalars {
            if scalar == "<" { inTag = true; continue }
            if scalar == ">" { inTag = false; continue }
            if !inTag { out.unicodeScalars.append(scalar) }
        }
        return out.replacingOccurrences(of: "&nbsp;", with: " ").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
