/// A card as Anki renders it from its note type's template: the question and answer HTML.
public struct AnkiRenderedCard: Sendable, Equatable {
    public var questionHTML: String
    public var answerHTML: String

    public init(questionHTML: String, answerHTML: String) {
        self.questionHTML = questionHTML
        self.answerHTML = answerHTML
    }
}

/// Renders Anki cards from note-type templates (`{{Field}}`, `{{FrontSide}}`, `{{cloze:F}}`,
/// sections, filters), with Anki's rules for which cards a note has.
/// PLACEHOLDER (lead's skeleton): the template engine replaces this file.
public enum AnkiCardRenderer {
    /// The ordinals (template index, or cloze number - 1) of the cards Anki makes for `note`.
    public static func cardOrdinals(of note: AnkiNote, noteType: AnkiNoteType) -> [Int] {
        Array(noteType.templates.indices)
    }

    /// Card `ordinal` of `note`, or nil when Anki would make no such card.
    public static func render(
        _ note: AnkiNote, noteType: AnkiNoteType, ordinal: Int, deckName: String
    ) -> AnkiRenderedCard? {
        guard note.fields.count >= 2 else { return nil }
        return AnkiRenderedCard(questionHTML: note.fields[0], answerHTML: note.fields[1])
    }
}
