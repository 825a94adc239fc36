extension CardFace {
    /// A cloze note's text in Anki's own syntax, `{{cN::text}}` / `{{cN::text::hint}}`, whichever
    /// of the two syntaxes it was written in (a `C:` note's `[spans]` are numbered in order):
    /// what `recall export --anki` puts in a Cloze note's Text field. Nil when the text has no
    /// deletion the importer would make a card of.
    public static func ankiClozeText(_ text: String) -> String? {
        guard let segments = try? Cloze.segments(text) else { return nil }
        var result = ""
        var deletions = 0
        for segment in segments {
            switch segment {
            case .text(let plain):
                result += plain
            case .deletion(let deletion):
                deletions += 1
                result += "{{c\(deletion.number)::\(deletion.text)"
                if let hint = deletion.hint { result += "::\(hint)" }
                result += "}}"
            }
        }
        return deletions == 0 ? nil : result
    }
}
