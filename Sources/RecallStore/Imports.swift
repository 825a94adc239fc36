import Foundation
import RecallModel
import RecallScheduler

/// A note as an import wants it stored.
public struct ImportedNote: Sendable, Equatable {
    public var deck: String
    public var kind: NoteKind
    public var front: String
    public var back: String
    public var tags: [String]
    public var ordinals: [Int]
    /// The source key (see `recall import`): the file name, or folder/relative path for a folder.
    public var source: String
    public var sourceLine: Int
    /// Normalised question and answer, kept for matching.
    public var questionKey: String
    public var answerKey: String
    /// Hash of the note's content as the source gives it; an unchanged source is recognised by it.
    public var contentKey: String

    public init(deck: String, kind: NoteKind, front: String, back: String, tags: [String], ordinals: [Int],
                source: String, sourceLine: Int, questionKey: String, answerKey: String, contentKey: String) {
        self.deck = deck
        self.kind = kind
        self.front = front
        self.back = back
        self.tags = tags
        self.ordinals = ordinals
        self.source = source
        self.sourceLine = sourceLine
        self.questionKey = questionKey
        self.answerKey = answerKey
        self.contentKey = contentKey
    }
}

/// A note already in the store that came from a source file: its keys, not its text, so a
/// re-import of a large bank reads little.
public struct StoredNote: Sendable, Equatable {
    public var id: Int64
    public var source: String
    /// The matching keys stored with the note (`ImportedNote.questionKey`, `answerKey`,
    /// `contentKey`) as the 64-bit values their 16 hex digits spell: 0 for an empty key,
    /// and `contentKey` nil when the note has none.
    public var questionKey: UInt64
    public var answerKey: UInt64
    public var contentKey: UInt64?
}

/// What applying an import changed.
public struct ImportCounts: Sendable, Equatable {
    public var notesAdded = 0
    public var cardsAdded = 0
    public var notesUpdated = 0
    public var cardsRemoved = 0
    public var notesPruned = 0

    public init() {}
}

extension Store {
    /// From this many new notes on, an import indexes them for search in bulk.
    static let bulkIndexThreshold = 500

    /// The FTS5 `hashsize` (bytes of pending terms before a segment is written) for bulk indexing.
    static let bulkIndexHashSize = 8 << 20

    /// The notes imported earlier from any of `sources`.
    public func notes(fromSources sources: [String]) throws(StoreError) -> [StoredNote] {
        var result: [StoredNote] = []
        let statement = try db.prepare(
            "SELECT id, identity, answer_key, source_hash FROM notes WHERE source = ? ORDER BY id")
        for source in sources {
            try statement.bind([.text(source)])
            while try statement.step() {
                result.append(StoredNote(
                    id: statement.int64Value(0), source: source, questionKey: statement.withUTF8(1, Self.hexValue) ?? 0,
                    answerKey: statement.withUTF8(2, Self.hexValue) ?? 0, contentKey: statement.withUTF8(3, Self.hexValue)))
            }
            statement.reset()
        }
        return result
    }

    /// Up to 16 hex digits as their value, read in place (no string per key); nil when empty
    /// or not hex.
    static func hexValue(_ bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard !bytes.isEmpty, bytes.count <= 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// The notes from `source` (ids in order) and a digest of everything a re-import of that
    /// source reads or could be told apart by: each note's id, matching keys and content hash,
    /// its last modification and its number of cards. Equal digests mean no note of the source
    /// was added, deleted, edited, re-keyed or lost a card in between (`recall import`'s
    /// unchanged-bank check).
    public func importSignature(ofSource source: String) throws(StoreError) -> (ids: [Int64], digest: UInt64) {
        let statement = try db.prepare("""
            SELECT n.id, n.identity, n.answer_key, n.source_hash, n.modified,
                   (SELECT count(*) FROM cards c WHERE c.note_id = n.id)
            FROM notes n WHERE n.source = ? ORDER BY n.id
            """)
        try statement.bind([.text(source)])
        var ids: [Int64] = []
        var hash = FNV64()
        while try statement.step() {
            let id = statement.int64Value(0)
            ids.append(id)
            hash.add(id)
            for column: Int32 in 1...3 {
                statement.withUTF8(column) { hash.add($0) }
                hash.add(UInt8(0))
            }
            hash.add(statement.int64Value(4))
            hash.add(statement.int64Value(5))
        }
        statement.reset()
        return (ids, hash.value)
    }

    /// Whether any note came from `source`.
    public func hasNotes(fromSource source: String) throws(StoreError) -> Bool {
        try db.row("SELECT 1 FROM notes WHERE source = ? LIMIT 1", [.text(source)]) { _ in true } ?? false
    }

    /// The source keys below the folder `prefix` names: it ends with "/" (none otherwise).
    public func importedSources(withPrefix prefix: String) throws(StoreError) -> [String] {
        guard prefix.hasSuffix("/") else { return [] }
        // "/" is followed by "0" in byte order: the range is exactly the keys below the folder.
        let end = String(prefix.dropLast()) + "0"
        return try db.rows("SELECT DISTINCT source FROM notes WHERE source >= ? AND source < ? ORDER BY source",
                           [.text(prefix), .text(end)]) { $0.textValue(0) }
    }

    /// The deck of the first note imported from `source`: where that bank's notes live.
    public func deckName(ofNotesFromSource source: String) throws(StoreError) -> String? {
        try db.row("""
            SELECT d.name FROM notes n JOIN decks d ON d.id = n.deck_id WHERE n.source = ? ORDER BY n.id LIMIT 1
            """, [.text(source)]) { $0.textValue(0) }
    }

    /// The kind and question of each note in `ids` (that exists).
    public func noteTexts(_ ids: [Int64]) throws(StoreError) -> [(id: Int64, kind: NoteKind, front: String)] {
        let statement = try db.prepare("SELECT kind, front FROM notes WHERE id = ?")
        var result: [(id: Int64, kind: NoteKind, front: String)] = []
        for id in ids {
            try statement.bind([.integer(id)])
            if try statement.step() {
                result.append((id, NoteKind(rawValue: statement.textValue(0)) ?? .basic, statement.textValue(1)))
            }
            statement.reset()
        }
        return result
    }

    /// A note's question, for reports.
    public func noteFront(_ noteID: Int64) throws(StoreError) -> String? {
        try db.row("SELECT front FROM notes WHERE id = ?", [.integer(noteID)]) { $0.textValue(0) }
    }

    /// A note's cards with their ordinals, in ordinal order.
    public func cardOrdinals(ofNote noteID: Int64) throws(StoreError) -> [(id: Int64, ordinal: Int)] {
        try db.rows("SELECT id, ordinal FROM cards WHERE note_id = ? ORDER BY ordinal", [.integer(noteID)]) {
            (id: $0.int64Value(0), ordinal: $0.intValue(1))
        }
    }

    /// Short ids of a note's cards, in ordinal order.
    public func cardIDs(ofNote noteID: Int64) throws(StoreError) -> [Int64] {
        try db.rows("SELECT id FROM cards WHERE note_id = ? ORDER BY ordinal", [.integer(noteID)]) { $0.int64Value(0) }
    }

    /// What `recall trash` says deleted a pruned card: the bank it is gone from.
    static func pruneReason(_ source: String) -> String { "recall import --prune: gone from \(source)" }

    /// Applies an import: adds, updates (keeping ids, history and state) and prunes notes.
    /// Call inside `write { }`: one import is one transaction (DESIGN.md invariant 3).
    public func applyImport(
        added: [ImportedNote], updated: [(id: Int64, note: ImportedNote)], pruned: [Int64], now: Millis,
        pruneCards: Bool = false
    ) throws -> ImportCounts {
        var counts = ImportCounts()
        var deckIDs: [String: Int64] = [:]
        func deckID(_ name: String) throws(StoreError) -> Int64 {
            if let id = deckIDs[name] { return id }
            let id = try ensureDeck(name, now: now).id
            deckIDs[name] = id
            return id
        }
        let insertCard = try db.prepare(
            "INSERT INTO cards(note_id, deck_id, ordinal, created, modified) VALUES (?, ?, ?, ?, ?)")
        // The full-text index is filled in one statement after the notes, not row by row by
        // the insert trigger: FTS5 flushes its pending terms at every statement boundary, so
        // per-row indexing of a large bank costs several times more than one bulk insert.
        let ftsTrigger = added.count < Self.bulkIndexThreshold ? nil : try db.row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'notes_fts_insert'", []) { $0.textValue(0) }
        if ftsTrigger != nil { try db.execute("DROP TRIGGER notes_fts_insert") }
        // New notes get explicit ids, the ones AUTOINCREMENT would give; their cards refer to them.
        let firstID = max(try db.scalarInt("SELECT max(id) FROM notes") ?? 0,
                          try db.scalarInt("SELECT seq FROM sqlite_sequence WHERE name = 'notes'") ?? 0) + 1
        let notes = InsertBatch(
            db: db,
            head: "INSERT INTO notes(id, guid, deck_id, kind, identity, answer_key, source_hash, source, source_line, front, back, tags, created, modified) VALUES ",
            row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", columns: 14, rowsPerStatement: 128)
        let cards = InsertBatch(
            db: db, head: "INSERT INTO cards(guid, note_id, deck_id, ordinal, created, modified) VALUES ",
            row: "(?, ?, ?, ?, ?, ?)", columns: 6, rowsPerStatement: 128)
        var noteGUIDs = GUIDRun()
        var cardGUIDs = GUIDRun()
        var noteDecks: [Int64] = []
        noteDecks.reserveCapacity(added.count)
        for (offset, note) in added.enumerated() {
            let deck = try deckID(note.deck)
            noteDecks.append(deck)
            notes.add(int: firstID + Int64(offset))
            notes.add(text: noteGUIDs.take())
            notes.add(int: deck)
            for text in [note.kind.rawValue, note.questionKey, note.answerKey, note.contentKey, note.source] { notes.add(text: text) }
            notes.add(int: Int64(note.sourceLine))
            for text in [note.front, note.back, Tags.encode(note.tags)] { notes.add(text: text) }
            notes.add(int: now)
            notes.add(int: now)
            if notes.isFull { try notes.flush() }
        }
        try notes.flush()
        for (offset, note) in added.enumerated() {
            for ordinal in note.ordinals {
                cards.add(text: cardGUIDs.take())
                for value in [firstID + Int64(offset), noteDecks[offset], Int64(ordinal), now, now] { cards.add(int: value) }
                if cards.isFull { try cards.flush() }
                counts.cardsAdded += 1
            }
            counts.notesAdded += 1
        }
        try cards.flush()
        if ftsTrigger != nil {
            // FTS5 writes a new index segment each time its pending terms pass `hashsize`
            // (1 MB by default) and merges segments as they pile up; 8 MB makes far fewer of
            // both (-20 % on 100k notes) for a few megabytes of memory while it runs.
            try db.execute("INSERT INTO notes_fts(notes_fts, rank) VALUES ('hashsize', \(Self.bulkIndexHashSize))")
            try db.run("INSERT INTO notes_fts(rowid, front, back, tags) SELECT id, front, back, tags FROM notes WHERE id >= ?",
                       [.integer(firstID)])
        }
        if let ftsTrigger { try db.execute(ftsTrigger) }
        for (noteID, note) in updated {
            try db.run(
                """
                UPDATE notes SET kind = ?, identity = ?, answer_key = ?, source_hash = ?, source_line = ?, front = ?, back = ?,
                                 tags = ?, modified = ? WHERE id = ?
                """,
                [.text(note.kind.rawValue), .text(note.questionKey), .text(note.answerKey), .text(note.contentKey),
                 .integer(Int64(note.sourceLine)),
                 .text(note.front), .text(note.back), .text(Tags.encode(note.tags)), .integer(now), .integer(noteID)])
            let existing = try db.rows("SELECT id, ordinal, deck_id FROM cards WHERE note_id = ?", [.integer(noteID)]) {
                (id: $0.int64Value(0), ordinal: $0.intValue(1), deck: $0.int64Value(2))
            }
            // A card whose place left the note's source (a cloze deletion removed, `:::` made
            // `::`) is missing from its source like a note: kept, with its history, unless pruning.
            let wanted = Set(note.ordinals)
            let stale = existing.filter { !wanted.contains($0.ordinal) }.map(\.id)
            if pruneCards {
                try moveToTrash(cards: stale, reason: Self.pruneReason(note.source), now: now, keepingEmptyNotes: true)
                counts.cardsRemoved += stale.count
            }
            let have = Set(existing.map(\.ordinal))
            let deck = try existing.first?.deck ?? deckID(note.deck)
            for ordinal in note.ordinals where !have.contains(ordinal) {
                try insertCard.execute([.integer(noteID), .integer(deck), .integer(Int64(ordinal)), .integer(now), .integer(now)])
                counts.cardsAdded += 1
            }
            counts.notesUpdated += 1
        }
        for noteID in pruned {
            let cards = try db.rows("SELECT id FROM cards WHERE note_id = ?", [.integer(noteID)]) { $0.int64Value(0) }
            let source = try db.row("SELECT coalesce(source, '') FROM notes WHERE id = ?", [.integer(noteID)]) { $0.textValue(0) }
            try moveToTrash(cards: cards, reason: Self.pruneReason(source ?? ""), now: now)
            counts.cardsRemoved += cards.count
            counts.notesPruned += 1
        }
        return counts
    }
}
