/// What kind of note a card belongs to, which decides how many sibling cards it makes and what
/// each shows. Shared by the importer (drafts), the store (rows) and sync (files), so it lives
/// with the other value types every module imports.
public enum NoteKind: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
    /// One card: front, then back.
    case basic
    /// Two cards: front → back (ordinal 1) and back → front (ordinal 2), from `front ::: back`.
    case reversed
    /// One card per cloze number (`{{c1::…}}`) or per `[hidden]` span of a `C:` note.
    case cloze
}
