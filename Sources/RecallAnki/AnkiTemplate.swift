/// Anki's card template language, parsed: text, comments, `{{filters:Field}}` replacements
/// and `{{#Field}}…{{/Field}}` / `{{^Field}}…{{/Field}}` sections.
///
/// The rules follow Anki's own engine (rslib/src/template.rs): a `{{` without a closing `}}`
/// is text; `<!-- … -->` comments are kept in the output but never read as template syntax;
/// a template starting with `{{=<% %>=}}` uses `<%` and `%>` instead of the braces; the
/// filters of `{{a:b:Field}}` apply from the one nearest the field outwards (`b`, then `a`).
import Foundation

struct AnkiTemplate: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case text(String)
        case comment(String)
        /// `filters` in the order they apply.
        case replacement(key: String, filters: [String])
        case section(key: String, negated: Bool, children: [Node])
    }

    /// Why a template cannot be rendered; the description is Anki's own message.
    enum Failure: Error, Sendable, Equatable {
        case sectionNotClosed(String)
        case sectionNotOpen(closed: String, currentlyOpen: String?)
        case fieldNotFound(field: String, filters: [String])
        case noSuchSection(String)

        var message: String {
            switch self {
            case .sectionNotClosed(let key):
                return "Missing '{{/\(key)}}'"
            case .sectionNotOpen(let closed, let open?):
                return "Found '{{/\(closed)}}', but expected '{{/\(open)}}'"
            case .sectionNotOpen(let closed, nil):
                return "Found '{{/\(closed)}}', but missing '{{#\(closed)}}' or '{{^\(closed)}}'"
            case .fieldNotFound(let field, let filters):
                let written = filters.reversed().map { $0 + ":" }.joined()
                return "Found '{{\(written)\(field)}}', but there is no field called '\(field)'"
            case .noSuchSection(let condition):
                return "Found '{{\(condition)}}', but there is no field called '\(condition.dropFirst())'"
            }
        }
    }

    var nodes: [Node]

    /// A collection has a handful of templates and tens of thousands of cards: each template
    /// is parsed once (the cache forgets everything past a few hundred, which no real
    /// collection reaches).
    static func cached(_ source: String) throws(Failure) -> AnkiTemplate {
        try Cache.shared.template(source)
    }

    private final class Cache: @unchecked Sendable {
        static let shared = Cache()
        private let lock = NSLock()
        private var entries: [String: Result<AnkiTemplate, Failure>] = [:]

        func template(_ source: String) throws(Failure) -> AnkiTemplate {
            lock.lock()
            let known = entries[source]
            lock.unlock()
            let result: Result<AnkiTemplate, Failure>
            if let known {
                result = known
            } else {
                do throws(Failure) { result = .success(try AnkiTemplate(parsing: source)) } catch { result = .failure(error) }
                lock.lock()
                if entries.count >= 512 { entries.removeAll() }
                entries[source] = result
                lock.unlock()
            }
            return try result.get()
        }
    }

    init(parsing source: String) throws(Failure) {
        var tokens = Tokenizer(source)
        nodes = try Self.parse(&tokens, open: nil)
    }

    private static func parse(_ tokens: inout Tokenizer, open: String?) throws(Failure) -> [Node] {
        var nodes: [Node] = []
        while let token = tokens.next() {
            switch token {
            case .text(let text):
                nodes.append(.text(text))
            case .comment(let text):
                nodes.append(.comment(text))
            case .replacement(let inner):
                // `{{a:b:Field}}`: the key is after the last colon, filters before it, nearest first.
                var parts = inner.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                let key = parts.removeLast()
                nodes.append(.replacement(key: key, filters: parts.reversed()))
            case .open(let key, let negated):
                let children = try parse(&tokens, open: key)
                nodes.append(.section(key: key, negated: negated, children: children))
            case .close(let key):
                if let open, open == key { return nodes }
                throw .sectionNotOpen(closed: key, currentlyOpen: open)
            }
        }
        if let open { throw .sectionNotClosed(open) }
        return nodes
    }

    // MARK: Tokens

    private enum Token {
        case text(String)
        case comment(String)
        case replacement(String)
        case open(String, negated: Bool)
        case close(String)
    }

    /// Splits a template into text, comments and handlebars, as Anki's lexer does: at each
    /// position, a complete `{{…}}` (or `<!--…-->`) starts a token; anything else is text.
    private struct Tokenizer {
        private let scalars: [Unicode.Scalar]
        private var position: Int
        private let start: [Unicode.Scalar]
        private let end: [Unicode.Scalar]

        private static let alternateDirective = "{{=<% %>=}}"

        init(_ source: String) {
            var source = Substring(source)
            let trimmed = source.drop(while: { $0.isWhitespace })
            if trimmed.hasPrefix(Self.alternateDirective) {
                var rest = trimmed
                while rest.hasPrefix(Self.alternateDirective) { rest = rest.dropFirst(Self.alternateDirective.count) }
                source = rest
                start = Array("<%".unicodeScalars)
                end = Array("%>".unicodeScalars)
            } else {
                start = Array("{{".unicodeScalars)
                end = Array("}}".unicodeScalars)
            }
            scalars = Array(source.unicodeScalars)
            position = 0
        }

        mutating func next() -> Token? {
            guard position < scalars.count else { return nil }
            var index = position
            while index < scalars.count {
                if let (after, token) = delimited(at: index) {
                    if index == position {
                        position = after
                        return token
                    }
                    let text = string(position, index)
                    position = index
                    return .text(text)
                }
                index += 1
            }
            let text = string(position, scalars.count)
            position = scalars.count
            return .text(text)
        }

        private func delimited(at index: Int) -> (Int, Token)? {
            if matches(start, at: index), let close = find(end, from: index + start.count) {
                return (close + end.count, Self.classify(string(index + start.count, close)))
            }
            let open = Array("<!--".unicodeScalars), shut = Array("-->".unicodeScalars)
            if matches(open, at: index), let close = find(shut, from: index + open.count) {
                return (close + shut.count, .comment(string(index + open.count, close)))
            }
            return nil
        }

        private static func classify(_ inner: String) -> Token {
            let body = inner.drop(while: { $0 == "{" }).trimmingWhitespace()
            guard body.utf8.count >= 2 else { return .replacement(String(body)) }
            switch body.first {
            case "#": return .open(String(body.dropFirst().drop(while: { $0.isWhitespace })), negated: false)
            case "^": return .open(String(body.dropFirst().drop(while: { $0.isWhitespace })), negated: true)
            case "/": return .close(String(body.dropFirst().drop(while: { $0.isWhitespace })))
            default: return .replacement(String(body))
            }
        }

        private func matches(_ pattern: [Unicode.Scalar], at index: Int) -> Bool {
            guard index + pattern.count <= scalars.count else { return false }
            for offset in pattern.indices where scalars[index + offset] != pattern[offset] { return false }
            return true
        }

        private func find(_ pattern: [Unicode.Scalar], from index: Int) -> Int? {
            var candidate = index
            while candidate + pattern.count <= scalars.count {
                if matches(pattern, at: candidate) { return candidate }
                candidate += 1
            }
            return nil
        }

        private func string(_ from: Int, _ to: Int) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[from..<to])
            return String(view)
        }
    }

    // MARK: Which fields make a card

    /// Whether the template shows anything given the fields that are not empty: Anki's test
    /// for "the front of this card is blank" (a replacement of a non-empty field, possibly
    /// inside sections whose conditions hold; text alone does not count).
    func rendersSomething(nonEmptyFields: Set<String>) -> Bool {
        !Self.isEmpty(nodes, nonEmptyFields)
    }

    private static func isEmpty(_ nodes: [Node], _ nonEmpty: Set<String>) -> Bool {
        for node in nodes {
            switch node {
            case .text, .comment:
                continue
            case .replacement(let key, _):
                if nonEmpty.contains(key) { return false }
            case .section(let key, let negated, let children):
                if nonEmpty.contains(key) == negated { continue }
                if !isEmpty(children, nonEmpty) { return false }
            }
        }
        return true
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (Unicode's, as Rust's `trim`).
    func trimmingWhitespace() -> Substring {
        let scalars = Substring(self)
        guard let first = scalars.firstIndex(where: { !$0.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return scalars[first...last]
    }
}
