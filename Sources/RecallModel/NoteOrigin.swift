/// Where an imported note came from, and the three keys a re-import of that source matches it
/// by. One spelling everywhere: the importer's planner, the store's columns (`identity`,
/// `answer_key`, `source_hash` in SQL, kept for existing stores) and the deck files'
/// `question_key`, `answer_key`, `content_key`. Deck files carry it (`origin`), so that a store
/// that received a bank's cards through sync recognises them when it imports the same bank.
public struct NoteOrigin: Sendable, Equatable, Hashable {
    /// The source key: the file name, or folder/relative path for a folder import.
    public var file: String
    /// 1-based line of the note in that file; nil when unknown.
    public var line: Int?
    /// Hash of the normalised question (16 hex digits, or empty).
    public var questionKey: String
    /// Hash of the normalised answer (16 hex digits, or empty).
    public var answerKey: String
    /// Hash of the note as the source gave it (16 hex digits, or empty).
    public var contentKey: String

    public init(file: String, line: Int?, questionKey: String, answerKey: String, contentKey: String) {
        self.file = file
        self.line = line
        self.questionKey = questionKey
        self.answerKey = answerKey
        self.contentKey = contentKey
    }
}
