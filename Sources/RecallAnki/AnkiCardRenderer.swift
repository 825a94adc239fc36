/// A card as Anki renders it from its note type's template: the question and answer HTML.
public struct AnkiRenderedCard: Sendable, Equatable {
    public var questionHTML: String
    public var answerHTML: String
    /// What each `[[type:…]]` box in the HTML expects, by the marker's text: Anki's reviewer
    /// replaces the marker with an input box on the question and with the expected answer on
    /// the answer side; recall, which has no box, does the same with no input.
    public var typedAnswers: [String: String]

    public init(questionHTML: String, answerHTML: String, typedAnswers: [String: String] = [:]) {
        self.questionHTML = questionHTML
        self.answerHTML = answerHTML
        self.typedAnswers = typedAnswers
    }

    /// The front as recall stores it: the question's Markdown, without typing boxes.
    public var frontText: String {
        var cache = AnkiHTML.MarkdownCache()
        return frontText(cache: &cache)
    }

    /// The back as recall stores it: the part of the answer after `<hr id=answer>` (the whole
    /// answer when there is none), with each typing box showing what it expects, so that the
    /// back reads on its own.
    public var backText: String {
        var cache = AnkiHTML.MarkdownCache()
        return backText(cache: &cache)
    }

    /// `frontText`, reusing (and adding to) the Markdown of HTML converted before.
    public func frontText(cache: inout AnkiHTML.MarkdownCache) -> String {
        cache.markdown(fromHTML: replacingTypeMarkers(in: questionHTML, answer: false))
    }

    /// `backText`, reusing (and adding to) the Markdown of HTML converted before.
    public func backText(cache: inout AnkiHTML.MarkdownCache) -> String {
        cache.markdown(fromHTML: replacingTypeMarkers(in: AnkiHTML.answerPart(ofAnswerHTML: answerHTML), answer: true))
    }

    private func replacingTypeMarkers(in html: String, answer: Bool) -> String {
        guard !typedAnswers.isEmpty else { return html }
        var html = html
        for (marker, expected) in typedAnswers.sorted(by: { $0.key < $1.key }) {
            let shown = answer ? escapeText(AnkiTextFilters.stripHTML(expected)) : ""
            html = html.replacingOccurrences(of: marker, with: shown)
        }
        return html
    }

    private func escapeText(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Renders Anki cards from note-type templates with Anki's own rules (rslib/src/template.rs,
/// cloze.rs, template_filters.rs and notetype/cardgen.rs, render.rs): `{{Field}}`,
/// `{{FrontSide}}`, sections `{{#F}}…{{/F}}` and `{{^F}}…{{/F}}`, the special fields (`Tags`,
/// `Type`, `Deck`, `Subdeck`, `Card`, `CardFlag`, `CardID`, `c1`…), and the filters `cloze`,
/// `cloze-only`, `text`, `hint`, `type` (`type:cloze`, `type:nc`), `furigana`, `kanji`, `kana`
/// and `tts`, chained right to left. An unknown filter ends the chain there, as on Anki's
/// desktop, where filters after an unknown one go to add-ons; the text is shown as it stands.
/// A template Anki cannot render (an unknown field, an unclosed section) renders Anki's
/// error message, as Anki shows it in place of the card.
public enum AnkiCardRenderer {
    /// The special fields Anki fills in when a note type has no field of that name.
    static let specialFields = ["FrontSide", "Card", "CardFlag", "Deck", "Subdeck", "Tags", "Type", "CardID"]

    /// Anki's cloze numbers stop here: `{{c600::…}}` is card 500.
    static let maximumClozeOrdinal = 499

    /// The ordinals (template index, or cloze number - 1) of the cards Anki makes for `note`:
    /// for a standard note type each template whose front shows a non-empty field (a template
    /// Anki cannot parse makes none), for a cloze note type one per cloze number in the fields.
    public static func cardOrdinals(of note: AnkiNote, noteType: AnkiNoteType) -> [Int] {
        switch noteType.kind {
        case .cloze:
            let numbers = AnkiCloze.numbers(in: note.fields)
            return Set(numbers.map { min(max($0 - 1, 0), maximumClozeOrdinal) }).sorted()
        case .standard:
            var nonEmpty = Set<String>()
            for (name, value) in zip(noteType.fieldNames, note.fields) where !AnkiTextFilters.fieldIsEmpty(value) {
                nonEmpty.insert(name)
            }
            let own = Set(noteType.fieldNames)
            for special in specialFields where !own.contains(special) && special != "FrontSide" {
                if special == "Tags" && note.tags.isEmpty { continue }
                nonEmpty.insert(special)
            }
            return noteType.templates.indices.filter { index in
                guard let template = try? AnkiTemplate.cached(noteType.templates[index].questionFormat) else {
                    return false
                }
                return template.rendersSomething(nonEmptyFields: nonEmpty)
            }
        }
    }

    /// Card `ordinal` of `note`, or nil when Anki would make no such card (no such template,
    /// a front with no non-empty field, no cloze of that number).
    ///
    /// - Parameters:
    ///   - deckName: the card's deck as `{{Deck}}` shows it (`Parent::Child`).
    ///   - flag: the card's flag (0 none, 1 red, …) for `{{CardFlag}}`.
    ///   - cardID: the card's id for `{{CardID}}`.
    public static func render(
        _ note: AnkiNote, noteType: AnkiNoteType, ordinal: Int, deckName: String, flag: Int = 0, cardID: Int64 = 0
    ) -> AnkiRenderedCard? {
        let isCloze = noteType.kind == .cloze
        let templateIndex = isCloze ? 0 : ordinal
        guard ordinal >= 0, noteType.templates.indices.contains(templateIndex) else { return nil }
        let cardTemplate = noteType.templates[templateIndex]

        var fields: [String: String] = [:]
        for (name, value) in zip(noteType.fieldNames, note.fields) where fields[name] == nil {
            fields[name] = value
        }
        for name in noteType.fieldNames.dropFirst(note.fields.count) where fields[name] == nil {
            fields[name] = ""
        }
        let subdeck = deckName.components(separatedBy: "::").last ?? deckName
        let specials: [(String, String)] = [
            ("Tags", note.tags.joined(separator: " ")), ("Type", noteType.name), ("Subdeck", subdeck),
            ("Deck", deckName), ("CardFlag", "flag\(flag)"), ("Card", cardTemplate.name), ("CardID", String(cardID)),
            ("c\(ordinal + 1)", "1"),
        ]
        for (name, value) in specials where fields[name] == nil { fields[name] = value }

        var context = Context(
            fields: fields, nonEmpty: Set(fields.filter { !AnkiTextFilters.fieldIsEmpty($0.value) }.keys),
            ordinal: ordinal, frontSide: nil)

        // The question.
        let question: String
        do {
            let template = try AnkiTemplate.cached(cardTemplate.questionFormat)
            question = try context.render(template.nodes)
            if isCloze {
                guard AnkiCloze.numbers(in: fields.values).contains(ordinal + 1) else { return nil }
            } else if !template.rendersSomething(nonEmptyFields: context.nonEmpty) {
                return nil
            }
        } catch {
            let message = errorHTML(error, side: "Front")
            return AnkiRenderedCard(questionHTML: message, answerHTML: message)
        }

        // The answer, with the question as `{{FrontSide}}`.
        context.frontSide = question
        let answer: String
        do {
            answer = try context.render(try AnkiTemplate.cached(cardTemplate.answerFormat).nodes)
        } catch {
            let message = errorHTML(error, side: "Back")
            return AnkiRenderedCard(questionHTML: message, answerHTML: message)
        }
        return AnkiRenderedCard(questionHTML: question, answerHTML: answer, typedAnswers: context.typedAnswers)
    }

    /// Anki's message for a template it cannot render, in place of the card.
    private static func errorHTML(_ failure: AnkiTemplate.Failure, side: String) -> String {
        let details = failure.message.replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#x27;")
        return "\(side) template has a problem:<br>\(details)<br>"
            + "<a href='https://docs.ankiweb.net/templates/errors.html#template-syntax-error'>More information</a>"
    }

    // MARK: Rendering

    private struct Context {
        var fields: [String: String]
        var nonEmpty: Set<String>
        /// 0-based card ordinal; the cloze number is one more.
        var ordinal: Int
        /// The rendered question while the answer renders; nil while the question renders.
        var frontSide: String?
        var typedAnswers: [String: String] = [:]

        mutating func render(_ nodes: [AnkiTemplate.Node]) throws(AnkiTemplate.Failure) -> String {
            var out = ""
            for node in nodes {
                switch node {
                case .text(let text):
                    out += text
                case .comment(let text):
                    out += "<!--" + text + "-->"
                case .replacement(let key, _) where key == "FrontSide":
                    out += frontSide ?? ""
                case .replacement(let key, let filters):
                    if key.isEmpty && !filters.isEmpty { continue }
                    guard let value = fields[key] else { throw .fieldNotFound(field: key, filters: filters) }
                    out += apply(filters, to: value, field: key)
                case .section(let key, let negated, let children):
                    let shown: Bool
                    if nonEmpty.contains(key) {
                        shown = !negated
                    } else if fields[key] != nil || Self.isClozeCondition(key) {
                        shown = negated
                    } else {
                        throw .noSuchSection((negated ? "^" : "#") + key)
                    }
                    // A hidden section is still rendered, so that its errors show.
                    let inner = try render(children)
                    if shown { out += inner }
                }
            }
            return out
        }

        static func isClozeCondition(_ key: String) -> Bool {
            key.hasPrefix("c") && UInt32(key.dropFirst()) != nil
        }

        mutating func apply(_ filters: [String], to value: String, field: String) -> String {
            var filters = filters
            // `type:` is the last filter to apply; with `cloze`/`nc` before it, it has a variant.
            if filters.last == "type" {
                if filters == ["cloze", "type"] {
                    filters = ["type-cloze"]
                } else if filters == ["nc", "type"] {
                    filters = ["type-nc"]
                } else {
                    filters = ["type"]
                }
            }
            var text = value
            for filter in filters {
                guard let output = applyOne(filter, to: text, field: field) else { break }
                text = output
            }
            return text
        }

        /// One filter's output, or nil for a filter Anki does not know.
        mutating func applyOne(_ filter: String, to text: String, field: String) -> String? {
            let question = frontSide == nil
            switch filter {
            case "": return text
            case "text": return AnkiTextFilters.stripHTML(text)
            case "furigana": return AnkiTextFilters.ruby(text, .furigana)
            case "kanji": return AnkiTextFilters.ruby(text, .kanji)
            case "kana": return AnkiTextFilters.ruby(text, .kana)
            case "hint": return AnkiTextFilters.hint(text, fieldName: field)
            case "cloze":
                return AnkiMathJax.strippingTagsInside(AnkiCloze.reveal(text, number: ordinal + 1, question: question))
            case "cloze-only":
                return AnkiCloze.revealOnly(text, number: ordinal + 1, question: question)
            case "type":
                let marker = "[[type:\(field)]]"
                typedAnswers[marker] = fields[field] ?? ""
                return marker
            case "type-cloze":
                let marker = "[[type:cloze:\(field)]]"
                typedAnswers[marker] = AnkiCloze.typedAnswer(fields[field] ?? "", number: ordinal + 1)
                return marker
            case "type-nc":
                let marker = "[[type:nc:\(field)]]"
                typedAnswers[marker] = fields[field] ?? ""
                return marker
            default:
                if filter.hasPrefix("tts ") {
                    return AnkiTextFilters.tts(options: String(filter.dropFirst(4)), text: text)
                }
                return nil
            }
        }
    }
}

/// MathJax inside cloze output: Anki strips HTML tags between `\(`/`\[` and `\)`/`\]`, so that
/// formatting the cloze editor left there does not break the formula.
enum AnkiMathJax {
    static func strippingTagsInside(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < s.count {
            if s[i] == "\\", i + 1 < s.count, s[i + 1] == "(" || s[i + 1] == "[",
                let close = closing(s, from: i + 2)
            {
                out.append(contentsOf: s[i...(i + 1)])
                out.append(contentsOf: AnkiTextFilters.stripTags(AnkiCloze.string(s, i + 2, close)).unicodeScalars)
                out.append(contentsOf: s[close...(close + 1)])
                i = close + 2
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }

    private static func closing(_ s: [Unicode.Scalar], from: Int) -> Int? {
        var j = from
        while j + 1 < s.count {
            if s[j] == "\\", s[j + 1] == ")" || s[j + 1] == "]" { return j }
            j += 1
        }
        return nil
    }
}
