import RecallModel
import RecallScheduler

/// A note as parsed from a source file, before it meets the store.
///
/// `front` and `back` are Markdown, so inline code, emphasis, links, lists and fenced code
/// reach the review screen intact. For cloze notes `front` holds the whole text with its
/// deletions marked and `back` holds any extra text shown after the answer.
public struct NoteDraft: Sendable, Equatable, Hashable {
    public var front: String
    public var back: String
    public var tags: [String]
    public var kind: NoteKind
    /// The path as the user gave it (or as found below a directory they gave).
    public var source: String
    /// 1-based line of the front in `source`.
    public var line: Int
    /// From a `#deck:` header, a deck column or the folder structure; `nil` lets the caller decide.
    public var deck: String?
    /// The card ordinals this note makes: basic `[1]`, reversed `[1, 2]`, cloze the cloze numbers.
    public var ordinals: [Int]

    public init(
        front: String, back: String, tags: [String] = [], kind: NoteKind = .basic,
        source: String, line: Int, deck: String? = nil, ordinals: [Int]? = nil
    ) {
        self.front = front
        self.back = back
        self.tags = tags
        self.kind = kind
        self.source = source
        self.line = line
        self.deck = deck
        self.ordinals = ordinals ?? NoteDraft.defaultOrdinals(kind: kind, front: front)
    }

    /// Basic `[1]`, reversed `[1, 2]`, cloze: the numbers found in `front`.
    public static func defaultOrdinals(kind: NoteKind, front: String) -> [Int] {
        switch kind {
        case .basic: [1]
        case .reversed: [1, 2]
        case .cloze: Cloze.ordinals(in: front)
        }
    }
}
