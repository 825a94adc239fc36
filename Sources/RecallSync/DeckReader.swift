import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// Reads and checks a deck file. Either the whole file is valid and comes back as a `DeckFile`,
/// or nothing does and a `SyncError` says what is wrong and where: nothing is ever half-read,
/// so an import or sync can check every file before it writes anything (DESIGN.md invariant 3).
public enum DeckReader {
    /// Reads the file at `path`, refusing files over `sizeLimit` bytes before loading them.
    /// `name` is how messages call the file (default: `path`).
    public static func read(path: String, name: String? = nil, sizeLimit: Int = DeckFile.defaultSizeLimit) throws(SyncError) -> DeckFile {
        try readStamped(path: path, name: name ?? path, sizeLimit: sizeLimit).file
    }

    /// Reads and checks the file at `path`, with the stamp it had while it was read. The bytes
    /// are let go before the whole-file checks, which need memory of their own.
    static func readStamped(path: String, name: String, sizeLimit: Int) throws(SyncError) -> (file: DeckFile, stamp: FileStamp) {
        var contents = try FileContents.read(path: path, name: name, sizeLimit: sizeLimit)
        let deckFile = try parseWithoutChecks(contents.bytes, file: name)
        let stamp = contents.stamp
        contents.bytes = []
        try checkUnique(deckFile, file: name)
        return (deckFile, stamp)
    }

    /// Parses a deck file's bytes. `file` names it in messages.
    public static func parse(_ bytes: [UInt8], file: String) throws(SyncError) -> DeckFile {
        let deckFile = try parseWithoutChecks(bytes, file: file)
        try checkUnique(deckFile, file: file)
        return deckFile
    }

    /// The UTF-8 byte-order mark some editors put at the start of a file.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Reads the members and checks each value; `checkUnique` does the whole-file checks. A
    /// byte-order mark at the start is skipped (lines and columns count from after it).
    private static func parseWithoutChecks(_ bytes: [UInt8], file: String) throws(SyncError) -> DeckFile {
        let start = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        let result = bytes.withUnsafeBytes { whole in
            Result { () throws(SyncError) in
                let buffer = UnsafeRawBufferPointer(rebasing: whole[start...])
                var reader = Reader(scanner: JSONScanner(bytes: buffer, file: file))
                return try reader.file()
            }
        }
        return try result.get()
    }

    /// Whether a file looks like a deck file, for an importer choosing how to read a file of
    /// another name than `*.json` (`isDeckFilePath`) without reading all of it: `"recall-deck"` in its first 8 KB (a hand-made file), or
    /// an export's shape, which starts with `{"decks": [` and ends with `"version": 2}` (or 1; its
    /// `format` member comes after all the decks, keys being sorted).
    public static func recognizes(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        var head = (try? handle.read(upToCount: 8192)) ?? Data()
        if head.range(of: Data("\"recall-deck\"".utf8)) != nil { return true }
        if head.starts(with: byteOrderMark) { head = head.dropFirst(byteOrderMark.count) }
        let compact = head.prefix(64).filter { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        guard compact.starts(with: Data("{\"decks\":[".utf8)), let size = try? handle.seekToEnd() else { return false }
        try? handle.seek(toOffset: size > 64 ? size - 64 : 0)
        let tail = ((try? handle.read(upToCount: 64)) ?? Data()).filter { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        return DeckFile.readableVersions.contains { tail.range(of: Data("\"version\":\($0)}".utf8)) != nil }
    }

    /// Whether `recall import` reads `path` as a deck file: any path ending in `.json` that is not
    /// a folder, whatever it holds (a broken one then gets this reader's precise error, not the
    /// question-bank reader's "unsupported file type"), or another file that `recognizes`.
    public static func isDeckFilePath(_ path: String) -> Bool {
        if (path as NSString).pathExtension.lowercased() == "json" {
            var isDirectory: ObjCBool = false
            return !(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
        }
        return recognizes(path: path)
    }

    // MARK: Whole-file checks

    /// Ids that must be unique within a file: deck ids (names may repeat: two decks of one name
    /// can meet in a sync; in files of version 1 the name is the id), card ids, (note, ordinal) pairs,
    /// review ids and tombstone ids.
    static func checkUnique(_ deckFile: DeckFile, file: String) throws(SyncError) {
        struct Sibling: Hashable {
            var note: String
            var ordinal: Int
        }
        var cardCount = 0
        var reviewCount = 0
        for deck in deckFile.decks {
            cardCount += deck.cards.count
            for card in deck.cards { reviewCount += card.reviews.count }
        }
        var deckIDs: [String: Int] = [:]
        var cardIDs: [String: (Int, Int)] = Dictionary(minimumCapacity: cardCount)
        var siblings: [Sibling: (Int, Int)] = Dictionary(minimumCapacity: cardCount)
        var reviewIDs = ReviewIDSet(capacity: reviewCount)
        for (d, deck) in deckFile.decks.enumerated() {
            if let other = deckIDs.updateValue(d, forKey: deck.id) {
                throw .invalid(file: file, path: "decks[\(d)].id", message: "deck id \(quoted(deck.id)) appears twice (also decks[\(other)])")
            }
            for (c, card) in deck.cards.enumerated() {
                if let other = cardIDs.updateValue((d, c), forKey: card.id) {
                    throw .invalid(file: file, path: "decks[\(d)].cards[\(c)].id",
                                   message: "card \(quoted(card.id)) appears twice (also decks[\(other.0)].cards[\(other.1)])")
                }
                if let other = siblings.updateValue((d, c), forKey: Sibling(note: card.note, ordinal: card.ordinal)) {
                    throw .invalid(file: file, path: "decks[\(d)].cards[\(c)].ordinal",
                                   message: "note \(quoted(card.note)) has two cards with ordinal \(card.ordinal) (also decks[\(other.0)].cards[\(other.1)])")
                }
                for (r, review) in card.reviews.enumerated() where !reviewIDs.insert(review.id) {
                    let first = firstReview(review.id, in: deckFile)
                    throw .invalid(file: file, path: "decks[\(d)].cards[\(c)].reviews[\(r)].id",
                                   message: "review id \(quoted(review.id.description)) appears twice (also \(first))")
                }
            }
        }
        var tombstones: [String: Int] = [:]
        for (t, tombstone) in deckFile.tombstones.enumerated() {
            if let other = tombstones.updateValue(t, forKey: tombstone.id) {
                throw .invalid(file: file, path: "tombstones[\(t)].id",
                               message: "\(quoted(tombstone.id)) appears twice (also tombstones[\(other)])")
            }
        }
    }

    private static func firstReview(_ id: ReviewID, in deckFile: DeckFile) -> String {
        for (d, deck) in deckFile.decks.enumerated() {
            for (c, card) in deck.cards.enumerated() {
                if let r = card.reviews.firstIndex(where: { $0.id == id }) { return "decks[\(d)].cards[\(c)].reviews[\(r)]" }
            }
        }
        return "?"
    }
}

// MARK: Streaming

extension DeckReader {
    /// What pass 1 of `DeckFileStream` is handed for each card of a deck's `cards`, in file order:
    /// the deck's index, the card as read (not yet upgraded from version 1: the version may come
    /// after the decks), and the byte range of its JSON object in the file.
    typealias CardSink = (_ deck: Int, _ card: DeckFile.Card, _ range: Range<Int>) throws(SyncError) -> Void

    /// Reads the file `window` reads with every check `parse` makes before its whole-file ones,
    /// handing each card of the decks to `sink` instead of keeping it: the decks come back
    /// without their cards, with the tombstones, media, and the file's version.
    static func scan(_ window: FileWindow, file: String, cards sink: @escaping CardSink) throws(SyncError)
        -> (file: DeckFile, version: Int64) {
        var reader = Reader(scanner: JSONScanner(window: window, file: file))
        reader.cardSink = sink
        let deckFile = try reader.file()
        return (deckFile, reader.version)
    }

    /// Reads one card: the JSON object `bytes`, which was card `card` of deck `deck` in a file of
    /// version `version` read before (`DeckFileStream.cards`), with the same checks.
    static func card(_ bytes: UnsafeRawBufferPointer, file: String, deck: Int, card: Int, version: Int64) throws(SyncError) -> DeckFile.Card {
        var reader = Reader(scanner: JSONScanner(bytes: bytes, file: file))
        reader.scanner.path = [.key("decks"), .index(deck), .key("cards"), .index(card)]
        var read = try reader.card()
        reader.scanner.skipWhitespace()
        if !reader.scanner.atEnd {
            throw reader.scanner.syntax("unexpected \(reader.scanner.describeByte(at: reader.scanner.position)) after the card")
        }
        if let problem = reader.scanner.problem { throw problem }
        if version == 1 { upgradeFromVersion1(&read) }
        return read
    }

    /// What a card of a file of version 1 meant in version 2's terms: its `modified` covered its
    /// suspension too.
    static func upgradeFromVersion1(_ card: inout DeckFile.Card) {
        card.marks.suspendedAt = max(card.modified, card.created)
    }
}

/// The schema of a deck file, read member by member (docs/recall-deck.schema.json).
private struct Reader {
    var scanner: JSONScanner
    /// When set, the cards of the decks go here one by one and are not kept (`DeckReader.scan`).
    var cardSink: DeckReader.CardSink?
    /// The index of the deck being read.
    var deckIndex = 0
    /// The file's version, once `file` has read it.
    var version: Int64 = 0

    /// Option names a deck may set: every option but the store-wide ones.
    static let deckOptionNames: Set<String> = Set(SchedulerOptions.keys.map(\.name)).subtracting(Store.storeWideKeys)

    mutating func file() throws(SyncError) -> DeckFile {
        scanner.skipWhitespace()
        if scanner.atEnd { throw scanner.syntax("the file is empty") }
        if try scanner.kind() != .object {
            let found = try scanner.skipValue()
            try endOfFile()
            throw .notDeckFile(file: scanner.file, reason: "it holds \(found), not an object with \"format\": \"recall-deck\"")
        }
        var format: String?
        var version: Int64?
        var versionText: String?
        var decks: [DeckFile.Deck]?
        var tombstones: [Tombstone] = []
        var media: [MediaFile] = []
        var seen = Set<String>()
        try scanner.beginObject()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            let name = try scanner.string(key)
            if !seen.insert(name).inserted { scanner.report("appears twice", key: name) }
            switch name {
            case "format":
                format = try scanner.readString("format")
            case "version":
                if try scanner.kind() == .number {
                    let number = try scanner.numberToken()
                    versionText = scanner.text(number.start, number.end)
                    version = number.integer ? Int64(versionText ?? "") : nil
                } else {
                    versionText = try scanner.skipValue()
                }
            case "decks":
                scanner.path.append(.key("decks"))
                decks = try array { (reader: inout Reader, index: Int) throws(SyncError) in
                    reader.deckIndex = index
                    return try reader.deck()
                }
                scanner.path.removeLast()
            case "tombstones":
                scanner.path.append(.key("tombstones"))
                tombstones = try array { (reader: inout Reader) throws(SyncError) in try reader.tombstone() }.compactMap { $0 }
                scanner.path.removeLast()
            case "media":
                media = try MediaList.read(&scanner)
            default:
                try scanner.skipValue()
            }
        }
        try endOfFile()
        guard let format else {
            throw .notDeckFile(file: scanner.file, reason: "it has no \"format\": \"recall-deck\" member")
        }
        guard format == DeckFile.format else {
            throw .notDeckFile(file: scanner.file, reason: "its \"format\" is \(quoted(format)), not \"recall-deck\"")
        }
        guard let versionText else { throw .invalid(file: scanner.file, path: "version", message: "missing") }
        guard let version, DeckFile.readableVersions.contains(version) else {
            throw .unsupportedVersion(file: scanner.file, found: versionText)
        }
        guard var decks else { throw .invalid(file: scanner.file, path: "decks", message: "missing") }
        if let problem = scanner.problem { throw problem }
        self.version = version
        if version == 1 {
            Self.upgradeFromVersion1(&decks, &tombstones)
        } else if let d = decks.firstIndex(where: { $0.id.isEmpty }) {
            throw .invalid(file: scanner.file, path: "decks[\(d)]", message: "missing \"id\"")
        }
        return DeckFile(decks: decks, tombstones: tombstones, media: media)
    }

    /// What a file of version 1 meant, in version 2's terms: a deck's id is the one its name
    /// makes, and so is a deck tombstone's (which held the name); a rename changed the deck's
    /// `modified`; a card's `modified` covered its suspension too.
    private static func upgradeFromVersion1(_ decks: inout [DeckFile.Deck], _ tombstones: inout [Tombstone]) {
        for d in decks.indices {
            decks[d].id = DeckName.stableID(decks[d].name)
            decks[d].renamed = decks[d].modified
            for c in decks[d].cards.indices { DeckReader.upgradeFromVersion1(&decks[d].cards[c]) }
        }
        for t in tombstones.indices where tombstones[t].kind == .deck {
            tombstones[t].id = DeckName.stableID(tombstones[t].id)
        }
    }

    private mutating func endOfFile() throws(SyncError) {
        scanner.skipWhitespace()
        if !scanner.atEnd { throw scanner.syntax("unexpected \(scanner.describeByte(at: scanner.position)) after the end of the JSON value") }
    }

    /// Reads an array, calling `element` for each item with its index on the path.
    /// A value that is not an array is reported and skipped (giving no elements).
    private mutating func array<T>(_ element: (inout Reader) throws(SyncError) -> T) throws(SyncError) -> [T] {
        try array { (reader: inout Reader, _: Int) throws(SyncError) in try element(&reader) }
    }

    /// `array`, with each element's index.
    private mutating func array<T>(_ element: (inout Reader, Int) throws(SyncError) -> T) throws(SyncError) -> [T] {
        var items: [T] = []
        try forEach { (reader: inout Reader, index: Int) throws(SyncError) in items.append(try element(&reader, index)) }
        return items
    }

    /// Reads an array, calling `element` for each item with its index (on the path too). A
    /// window over a file lets go of the items read before each one (`JSONScanner.release`).
    private mutating func forEach(_ element: (inout Reader, Int) throws(SyncError) -> Void) throws(SyncError) {
        guard try scanner.kind() == .array else {
            scanner.report("must be an array, got \(try scanner.skipValue())")
            return
        }
        try scanner.beginArray()
        var first = true
        var index = 0
        while try scanner.nextElement(first: &first) {
            scanner.release()
            scanner.path.append(.index(index))
            try element(&self, index)
            scanner.path.removeLast()
            index += 1
        }
    }

    /// Checks that the next value is an object, reporting and skipping it when not.
    private mutating func beginObject() throws(SyncError) -> Bool {
        guard try scanner.kind() == .object else {
            scanner.report("must be an object, got \(try scanner.skipValue())")
            return false
        }
        try scanner.beginObject()
        return true
    }

    private mutating func missing(_ names: [(String, Bool)]) {
        for (name, present) in names where !present { scanner.report("missing \"\(name)\"") }
    }

    // MARK: Decks

    private mutating func deck() throws(SyncError) -> DeckFile.Deck {
        var deck = DeckFile.Deck(id: "", name: "")
        guard try beginObject() else { return deck }
        var name: String?
        var renamed: Millis?
        var first = true
        var seen = Set<String>()
        while let key = try scanner.nextKey(first: &first) {
            let field = try scanner.string(key)
            if !seen.insert(field).inserted { scanner.report("appears twice", key: field) }
            switch field {
            case "id":
                deck.id = try identifier("id") ?? ""
            case "renamed":
                renamed = try scanner.readTime("renamed")
            case "name":
                name = try scanner.readString("name")
                if let text = name, let error = DeckName.error(text) { scanner.report(error, key: "name") }
            case "config":
                scanner.path.append(.key("config"))
                deck.config = try config()
                scanner.path.removeLast()
            case "modified":
                deck.modified = try scanner.readTime("modified") ?? 0
            case "cards":
                scanner.path.append(.key("cards"))
                if let sink = cardSink {
                    try forEach { (reader: inout Reader, _: Int) throws(SyncError) in
                        reader.scanner.skipWhitespace()
                        let start = reader.scanner.absolutePosition
                        let card = try reader.card()
                        try sink(reader.deckIndex, card, start..<reader.scanner.absolutePosition)
                    }
                } else {
                    deck.cards = try array { (reader: inout Reader) throws(SyncError) in try reader.card() }
                }
                scanner.path.removeLast()
            default:
                try scanner.skipValue()
            }
        }
        missing([("name", name != nil)])
        deck.name = name ?? ""
        deck.renamed = renamed ?? deck.modified
        return deck
    }

    /// Option overrides: names as `recall config` lists them, values as text it accepts.
    private mutating func config() throws(SyncError) -> [String: String] {
        var result: [String: String] = [:]
        guard try beginObject() else { return result }
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            let name = try scanner.string(key)
            guard let value = try scanner.readString(name) else { continue }
            if result.updateValue(value, forKey: name) != nil { scanner.report("appears twice", key: name) }
            if Store.storeWideKeys.contains(name) {
                scanner.report("\(name) applies to a whole store, not to one deck", key: name)
            } else if !Self.deckOptionNames.contains(name) {
                scanner.report("unknown option (see `recall config`)", key: name)
            } else {
                var options = SchedulerOptions()
                do {
                    try options.set(name, to: value)
                } catch {
                    scanner.report(error.description, key: name)
                }
            }
        }
        return result
    }

    // MARK: Cards

    /// The members of a card object, for spotting one given twice.
    private static let cardFields: [StaticString] = [
        "id", "note", "kind", "ordinal", "front", "back", "tags", "created", "modified", "suspended", "state", "reviews",
        "origin", "moved", "suspended_at", "flag", "flagged_at", "buried_until", "buried_at", "deck", "checkpoint",
    ]

    /// The `deck` member of the last card read: only a tombstone's card snapshot has one.
    var snapshotDeck: String?

    fileprivate mutating func card() throws(SyncError) -> DeckFile.Card {
        var card = DeckFile.Card(id: "", note: "", front: "", back: "", created: 0, modified: 0)
        guard try beginObject() else { return card }
        var have = (id: false, note: false, front: false, back: false, created: false, modified: false)
        var ordinalGiven: Int64?
        var suspendedAt: Millis?, flaggedAt: Millis?, buriedAt: Millis?
        var first = true
        var seen: UInt32 = 0
        while let key = try scanner.nextKey(first: &first) {
            guard let field = Self.cardFields.firstIndex(where: { scanner.key(key, is: $0) }) else {
                try scanner.skipValue()
                continue
            }
            let name = Self.cardFields[field].description
            if seen & (1 << field) != 0 { scanner.report("appears twice", key: name) }
            seen |= 1 << field
            switch field {
            case 0:
                have.id = true
                card.id = try identifier("id") ?? ""
            case 1:
                have.note = true
                card.note = try identifier("note") ?? ""
            case 2:
                if let text = try scanner.readString("kind") {
                    if let kind = NoteKind(rawValue: text) {
                        card.kind = kind
                    } else {
                        scanner.report("must be \"basic\", \"reversed\" or \"cloze\", got \(quoted(text))", key: "kind")
                    }
                }
            case 3:
                ordinalGiven = try scanner.readInt("ordinal", in: 1...999, rangeText: "a whole number 1-999")
            case 4:
                have.front = true
                card.front = try scanner.readString("front") ?? ""
            case 5:
                have.back = true
                card.back = try scanner.readString("back") ?? ""
            case 6:
                scanner.path.append(.key("tags"))
                card.tags = try tags()
                scanner.path.removeLast()
            case 7:
                have.created = true
                card.created = try scanner.readTime("created") ?? 0
            case 8:
                have.modified = true
                card.modified = try scanner.readTime("modified") ?? 0
            case 9:
                card.suspended = try scanner.readBool("suspended") ?? false
            case 10:
                scanner.path.append(.key("state"))
                try state()
                scanner.path.removeLast()
            case 12:
                scanner.path.append(.key("origin"))
                card.origin = try origin()
                scanner.path.removeLast()
            case 13:
                card.moved = try scanner.readTime("moved")
            case 14:
                suspendedAt = try scanner.readTime("suspended_at")
            case 15:
                card.marks.flag = Int(try scanner.readInt("flag", in: 0...1, rangeText: "0 or 1") ?? 0)
            case 16:
                flaggedAt = try scanner.readTime("flagged_at")
            case 17:
                if let text = try scanner.readString("buried_until") {
                    if let day = ISOTime.parseDay(text) {
                        card.marks.buriedUntil = day
                    } else {
                        scanner.report("must be a date like \"2026-11-25\", got \(quoted(text))", key: "buried_until")
                    }
                }
            case 18:
                buriedAt = try scanner.readTime("buried_at")
            case 19:
                snapshotDeck = try identifier("deck")
            case 20:
                scanner.path.append(.key("checkpoint"))
                card.checkpoint = try checkpoint()
                scanner.path.removeLast()
            default:
                scanner.path.append(.key("reviews"))
                card.reviews = try array { (reader: inout Reader) throws(SyncError) in try reader.review() }.compactMap { $0 }
                scanner.path.removeLast()
            }
        }
        missing([("id", have.id), ("note", have.note), ("front", have.front), ("back", have.back),
                 ("created", have.created), ("modified", have.modified)])
        if let ordinalGiven { card.ordinal = Int(ordinalGiven) }
        // A mark's time is never before the card's creation; absent, it is the creation.
        card.marks.suspendedAt = max(suspendedAt ?? card.created, card.created)
        card.marks.flaggedAt = max(flaggedAt ?? card.created, card.created)
        card.marks.buriedAt = max(buriedAt ?? card.created, card.created)
        if card.reviews.count > 1, !zip(card.reviews, card.reviews.dropFirst()).allSatisfy({ ($0.at, $0.id) < ($1.at, $1.id) }) {
            // Out of order in a hand-made file: the replay needs them by time.
            card.reviews.sort { ($0.at, $0.id) < ($1.at, $1.id) }
        }
        return card
    }

    /// A card or note id: a non-empty string without spaces or control characters.
    private mutating func identifier(_ key: String) throws(SyncError) -> String? {
        guard let text = try scanner.readString(key) else { return nil }
        var valid = !text.isEmpty && text.utf8.count <= 100
        if valid {
            for byte in text.utf8 where byte <= 0x20 || byte == 0x7F || byte >= 0x80 {
                // Non-ASCII: look at the characters (rare, so the slow check is fine).
                valid = byte >= 0x80 && !text.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }
                break
            }
        }
        if !valid {
            scanner.report("must be an id without spaces (at most 100 bytes), got \(quoted(text))", key: key)
            return nil
        }
        return text
    }

    private mutating func tags() throws(SyncError) -> [String] {
        let tags = try array { (reader: inout Reader) throws(SyncError) -> String? in
            guard let tag = try reader.scanner.readString("") else { return nil }
            if tag.isEmpty || tag.utf8.contains(where: { $0 <= 0x20 || $0 == UInt8(ascii: ",") })
                || (!tag.utf8.allSatisfy { $0 < 0x80 } && tag.contains(where: \.isWhitespace)) {
                reader.scanner.report("a tag cannot be empty or contain spaces or commas, got \(quoted(tag))")
                return nil
            }
            return tag
        }.compactMap { $0 }
        if tags.count > 1, Set(tags).count != tags.count { scanner.report("a tag appears twice") }
        return tags
    }

    /// Where an imported note came from: `{"answer_key", "content_key", "file", "line",
    /// "question_key"}`. The keys are what `recall import` compares when the same source is
    /// imported again; `line` may be null.
    private mutating func origin() throws(SyncError) -> NoteOrigin? {
        guard try beginObject() else { return nil }
        var file: String?
        var line: Int?
        var keys: [String: String] = [:]
        var seen = Set<String>()
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            let field = try scanner.string(key)
            if !seen.insert(field).inserted { scanner.report("appears twice", key: field) }
            switch field {
            case "file":
                guard let text = try scanner.readString("file") else { continue }
                if text.isEmpty || text.utf8.count > 4096 || text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                    scanner.report("must be a file name without control characters (at most 4096 bytes), got \(quoted(text))", key: "file")
                } else {
                    file = text
                }
            case "line":
                if try scanner.kind() == .null {
                    _ = try scanner.skipValue()
                } else if let value = try scanner.readInt("line", in: 1...Int64(Int32.max), rangeText: "a line number, 1 or more, or null") {
                    line = Int(value)
                }
            case "question_key", "answer_key", "content_key":
                guard let text = try scanner.readString(field) else { continue }
                if !Self.isKey(text) {
                    scanner.report("must be 16 lowercase hex digits or empty, got \(quoted(text))", key: field)
                } else {
                    keys[field] = text
                }
            default:
                try scanner.skipValue()
            }
        }
        missing([("file", seen.contains("file")), ("line", seen.contains("line")), ("question_key", seen.contains("question_key")),
                 ("answer_key", seen.contains("answer_key")), ("content_key", seen.contains("content_key"))])
        guard let file, let question = keys["question_key"], let answer = keys["answer_key"], let content = keys["content_key"]
        else { return nil }
        return NoteOrigin(file: file, line: line, questionKey: question, answerKey: answer, contentKey: content)
    }

    /// A re-import key as recall makes them: a 64-bit hash in 16 lowercase hex digits, or
    /// empty (a text with no letters or digits).
    static func isKey(_ text: String) -> Bool {
        text.isEmpty || (text.utf8.count == 16 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
    }

    /// A card's checkpoint (docs/json.md): `{"at": time, "state": {phase, due, stability,
    /// difficulty, reps, lapses, last_review, step, interval_days, ease}}`. Unlike `state`, it is
    /// kept: replay starts from it. Nil (a problem reported) when it is not whole.
    private mutating func checkpoint() throws(SyncError) -> CardCheckpoint? {
        guard try beginObject() else { return nil }
        var at: Millis?
        var state = CardState()
        var phase: Phase?
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            let field = try scanner.string(key)
            switch field {
            case "at": at = try scanner.readTime("at")
            case "state":
                scanner.path.append(.key("state"))
                guard try beginObject() else { scanner.path.removeLast(); continue }
                var inner = true
                while let key = try scanner.nextKey(first: &inner) {
                    let name = try scanner.string(key)
                    switch name {
                    case "phase":
                        if let text = try scanner.readString("phase") {
                            phase = Phase(rawValue: text)
                            if phase == nil {
                                scanner.report("must be \"new\", \"learning\", \"review\" or \"relearning\", got \(quoted(text))", key: "phase")
                            }
                        }
                    case "due": state.due = try scanner.readTime(name, nullable: true)
                    case "last_review": state.lastReview = try scanner.readTime(name, nullable: true)
                    case "stability": state.stability = try number(name)
                    case "difficulty": state.difficulty = try number(name)
                    case "ease": state.ease = try number(name)
                    case "reps", "lapses", "step", "interval_days":
                        let value = Int(try scanner.readInt(name, in: 0...Int64(Int32.max), rangeText: "a whole number 0 or more") ?? 0)
                        switch name {
                        case "reps": state.reps = value
                        case "lapses": state.lapses = value
                        case "step": state.step = value
                        default: state.intervalDays = value
                        }
                    default: _ = try scanner.skipValue()
                    }
                }
                scanner.path.removeLast()
            default: _ = try scanner.skipValue()
            }
        }
        guard let at, let phase else {
            scanner.report("needs \"at\" and a \"state\" with a \"phase\"")
            return nil
        }
        state.phase = phase
        return CardCheckpoint(at: at, state: state)
    }

    /// A finite number, or nil for null (a problem reported for anything else).
    private mutating func number(_ key: String) throws(SyncError) -> Double? {
        switch try scanner.kind() {
        case .number:
            let token = try scanner.numberToken()
            if let value = Double(scanner.text(token.start, token.end)), value.isFinite { return value }
            scanner.report("must be a finite number", key: key)
            return nil
        case .null:
            _ = try scanner.literal()
            return nil
        default:
            scanner.report("must be a number or null, got \(try scanner.skipValue())", key: key)
            return nil
        }
    }

    /// The schedule as the exporting store had it. Checked, then ignored: the importing store
    /// recomputes it by replaying the review log (DESIGN.md invariant 1).
    private mutating func state() throws(SyncError) {
        guard try beginObject() else { return }
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            let field = try scanner.string(key)
            switch field {
            case "phase":
                if let phase = try scanner.readString("phase"), Phase(rawValue: phase) == nil {
                    scanner.report("must be \"new\", \"learning\", \"review\" or \"relearning\", got \(quoted(phase))", key: "phase")
                }
            case "due", "last_review": _ = try scanner.readTime(field, nullable: true)
            case "stability", "difficulty": try scanner.readOptionalNumber(field)
            case "reps", "lapses": _ = try scanner.readInt(field, in: 0...Int64(Int32.max), rangeText: "a whole number 0 or more")
            default: try scanner.skipValue()
            }
        }
    }

    // MARK: Reviews and tombstones

    private mutating func review() throws(SyncError) -> Review? {
        guard try beginObject() else { return nil }
        var id: ReviewID?
        var at: Millis?
        var rating: Rating?
        var duration: Int64 = 0
        var haveID = false, haveAt = false, haveRating = false
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            if scanner.key(key, is: "at") {
                haveAt = true
                at = try scanner.readTime("at")
            } else if scanner.key(key, is: "rating") {
                haveRating = true
                if let value = try scanner.readInt("rating", in: 1...4) { rating = Rating(rawValue: Int(value)) }
            } else if scanner.key(key, is: "id") {
                haveID = true
                if try scanner.kind() == .string {
                    let token = try scanner.stringToken()
                    if !token.escaped && token.end > token.start && token.ascii {
                        id = ReviewID(bytes: scanner.raw(token))
                    } else {
                        let text = try scanner.string(token)
                        if text.isEmpty { scanner.report("must not be empty", key: "id") } else { id = ReviewID(text) }
                    }
                } else {
                    scanner.report("must be a string, got \(try scanner.skipValue())", key: "id")
                }
            } else if scanner.key(key, is: "duration_ms") {
                duration = try scanner.readInt("duration_ms", in: 0...Int64(Int32.max) * 1000, rangeText: "a whole number of milliseconds, 0 or more") ?? 0
            } else {
                try scanner.skipValue()
            }
        }
        missing([("id", haveID), ("at", haveAt), ("rating", haveRating)])
        guard let id, let at, let rating else { return nil }
        return Review(id: id, at: at, rating: rating, durationMS: duration)
    }

    private mutating func tombstone() throws(SyncError) -> Tombstone? {
        guard try beginObject() else { return nil }
        var id: String?
        var kind: Tombstone.Kind?
        var deleted: Millis?
        var haveKind = false, haveDeleted = false
        var name: String?, renamed: Millis?, config: [String: String]?, modified: Millis?
        var card: CardSnapshot?
        var first = true
        while let key = try scanner.nextKey(first: &first) {
            switch try scanner.string(key) {
            case "card":
                scanner.path.append(.key("card"))
                snapshotDeck = nil
                let read = try self.card()
                if let deck = snapshotDeck {
                    card = read.snapshot(deck: deck)
                } else {
                    scanner.report("missing \"deck\"")
                }
                scanner.path.removeLast()
            case "name":
                name = try scanner.readString("name")
                if let text = name, let error = DeckName.error(text) { scanner.report(error, key: "name") }
            case "renamed":
                renamed = try scanner.readTime("renamed")
            case "config":
                scanner.path.append(.key("config"))
                config = try self.config()
                scanner.path.removeLast()
            case "modified":
                modified = try scanner.readTime("modified")
            case "id":
                id = try scanner.readString("id")
                if id?.isEmpty == true { scanner.report("must not be empty", key: "id") }
            case "kind":
                haveKind = true
                if let text = try scanner.readString("kind") {
                    kind = Tombstone.Kind(rawValue: text)
                    if kind == nil { scanner.report("must be \"card\", \"note\" or \"deck\", got \(quoted(text))", key: "kind") }
                }
            case "deleted":
                haveDeleted = true
                deleted = try scanner.readTime("deleted")
            default:
                try scanner.skipValue()
            }
        }
        missing([("id", id != nil), ("kind", haveKind), ("deleted", haveDeleted)])
        guard let id, let kind, let deleted else { return nil }
        var deck: DeckSnapshot?
        if kind == .deck, let name {
            // The deck's newest version known to the store that wrote it; a time it lacks is
            // the deletion's.
            deck = DeckSnapshot(name: name, renamed: renamed ?? deleted, config: config ?? [:], modified: modified ?? deleted)
        }
        return Tombstone(id: id, kind: kind, deleted: deleted, deck: deck, card: kind == .card ? card : nil)
    }
}

/// A set of review ids for finding one used twice among a million: UUIDs go into an
/// open-addressing table of their two halves (no hashing of text, no allocation per id).
struct ReviewIDSet {
    private var slots: [(UInt64, UInt64)]
    private var used: [Bool]
    private var mask: Int
    private var texts = Set<String>()

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [(UInt64, UInt64)](repeating: (0, 0), count: size)
        used = [Bool](repeating: false, count: size)
        mask = size - 1
    }

    /// Adds `id`; false when it was already there.
    mutating func insert(_ id: ReviewID) -> Bool {
        switch id {
        case let .text(text): return texts.insert(text).inserted
        case let .uuid(high, low):
            // UUIDv7: the high half is mostly time, the low half mostly random.
            var index = Int(truncatingIfNeeded: (low ^ (high &* 0x9E37_79B9_7F4A_7C15)) >> 17) & mask
            while used[index] {
                if slots[index] == (high, low) { return false }
                index = (index + 1) & mask
            }
            used[index] = true
            slots[index] = (high, low)
            return true
        }
    }
}
