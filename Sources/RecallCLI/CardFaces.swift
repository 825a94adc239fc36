import RecallImport
import RecallStore

extension CardFace {
    /// What a stored card shows: its note's text, with reversed and cloze siblings derived
    /// by the same rules the importer documents (docs/cards.md).
    static func render(_ card: CardRecord) -> (front: String, back: String) {
        let note = NoteDraft(
            front: card.front, back: card.back, kind: card.kind,
            source: card.source ?? "", line: card.sourceLine ?? 0, ordinals: [card.ordinal])
        return render(note: note, ordinal: card.ordinal)
    }
}
