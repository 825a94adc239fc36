/// What a note says: the text every layer reads and writes as one value (the importer's drafts,
/// the store's note rows, deck files, the merge). Front, back and tags merge together, by the
/// note's text time (DESIGN.md invariant 4).
public struct CardContent: Sendable, Equatable, Hashable {
    public var kind: NoteKind
    public var front: String
    public var back: String
    /// Without whitespace; order kept, duplicates removed by the store.
    public var tags: [String]

    public init(kind: NoteKind = .basic, front: String, back: String, tags: [String] = []) {
        self.kind = kind
        self.front = front
        self.back = back
        self.tags = tags
    }
}
