import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// What `recall import FILE.apkg` did (or, with `--dry-run`, would do).
public struct AnkiImportReport: Sendable {
    public var path: String
    /// The zip entry the collection came from, and its schema (11 or 18).
    public var collectionEntry: String
    public var schemaVersion: Int
    public var ankiNotes: Int
    public var ankiCards: Int
    public var revlogRows: Int
    /// Revlog rows that are not answers (types 4 and 5, manual and rescheduled): their effect is
    /// in the cards' states, not in the review log.
    public var revlogNotAnswers: Int
    public var counts: AnkiImportCounts
    public var mediaFiles: Int
    /// Media names changed on the way in: made safe (`../x.png` → `x.png`), or given a free name
    /// because the store holds other content under theirs.
    public var mediaRenamed: [(from: String, to: String)]
    public var warnings: [String]
    public var dryRun: Bool
}

/// `recall import` of Anki packages: reads the package (`AnkiPackageReader`), turns each Anki
/// card into a recall note with its history and state (`AnkiCardImport`), and stores it all in
/// one transaction, media included.
public enum AnkiImporter {
    /// Whether `path` names an Anki package by its extension.
    public static func isPackagePath(_ path: String) -> Bool {
        let ext = (path as NSString).pathExtension.lowercased()
        return ext == "apkg" || ext == "colpkg"
    }

    /// From this many cards, an import into a store without cards writes in bulk
    /// (`Store.bulkWriteCards`). Tests set it low.
    @TaskLocal static var bulkCards = Store.bulkWriteCards

    public static func run(
        path: String, into store: Store, deckPrefix: String?, dryRun: Bool, now: Millis, timeZone: TimeZone,
        limits: AnkiPackageReader.Limits = AnkiPackageReader.Limits(), phase: (String) -> Void = { _ in }
    ) throws -> AnkiImportReport {
        let reader = try AnkiPackageReader(path: path, limits: limits)
        phase("read the package")
        let clock = try store.dayClock(timeZone: timeZone)
        // The collection lives only as long as it takes to make recall's cards of it.
        var imports: [AnkiCardImport]
        var deckOptions: [String: [String: String]]
        var warnings: [String]
        let counted: (schemaVersion: Int, notes: Int, cards: Int, revlog: Int, revlogNotAnswers: Int)
        do {
            let collection = reader.takeCollection()
            (imports, deckOptions, warnings) = try cards(of: collection, path: path, deckPrefix: deckPrefix, clock: clock)
            counted = (collection.schemaVersion, collection.notes.count, collection.cards.count, collection.revlog.count,
                       collection.revlog.filter { !(0...3).contains($0.type) || !(1...4).contains($0.ease) }.count)
        }
        phase("make the cards")
        let collection = reader.collection

        // Media: every file read and checked first (a bad one refuses the package before anything
        // is written), then stored by content before the transaction, as Media.swift asks.
        // Two passes, so that a damaged file late in the package leaves no file of an earlier one.
        var media: [(file: AnkiMediaFile, safe: String, sha256: String, size: Int)] = []
        for file in collection.media {
            let data = try reader.mediaData(file)
            guard let safe = Store.safeMediaName(file.name) else {
                warnings.append("media file \"\(file.name)\" (zip entry \(file.zipEntry)) has no usable name and was left out")
                continue
            }
            media.append((file, safe, SHA256.hex(of: data), data.count))
        }
        if !dryRun {
            for index in media.indices {
                media[index].sha256 = try store.saveMediaContent(try reader.mediaData(media[index].file))
            }
        }

        var renamed: [(from: String, to: String)] = []
        let body = { () throws -> AnkiImportCounts in
            for file in media {
                let final = dryRun ? file.safe : try store.recordMedia(name: file.safe, sha256: file.sha256, size: file.size, at: now)
                if final != file.file.name { renamed.append((file.file.name, final)) }
            }
            if !renamed.isEmpty { rewriteMediaNames(&imports, renamed) }
            phase("media")
            return try store.applyAnkiImport(imports, deckOptions: deckOptions, timeZone: timeZone, now: now, dryRun: dryRun,
                                             phase: phase)
        }
        // A dry run writes nothing (no backup either): it plans in a read transaction. A large
        // package into a store without cards only adds pages: they are written once, through a
        // rollback journal rather than the write-ahead log (`Store.writeInBulk`).
        let counts = dryRun ? try store.snapshot(body) : try store.write(adding: imports.count, bulkFrom: Self.bulkCards, body)
        phase("commit")
        return AnkiImportReport(
            path: path, collectionEntry: reader.collectionEntry, schemaVersion: counted.schemaVersion,
            ankiNotes: counted.notes, ankiCards: counted.cards, revlogRows: counted.revlog,
            revlogNotAnswers: counted.revlogNotAnswers, counts: counts, mediaFiles: media.count, mediaRenamed: renamed,
            warnings: warnings + counts.warnings, dryRun: dryRun)
    }

    // MARK: Cards

    /// Each card of the collection as recall stores it, the deck options by recall deck name,
    /// and warnings. Throws for a collection whose content does not hold together (a note with
    /// more or fewer fields than its note type, a card of a note that is not there).
    static func cards(
        of collection: AnkiCollection, path: String, deckPrefix: String?, clock: DayClock
    ) throws(AnkiPackageError) -> (cards: [AnkiCardImport], deckOptions: [String: [String: String]], warnings: [String]) {
        var warnings: [String] = []
        let noteTypes = Dictionary(collection.noteTypes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let decks = Dictionary(collection.decks.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let configs = Dictionary(collection.deckConfigs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let notes = Dictionary(collection.notes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var revlog: [Int64: [AnkiRevlogEntry]] = [:]
        for entry in collection.revlog { revlog[entry.cardID, default: []].append(entry) }
        for note in collection.notes {
            guard let type = noteTypes[note.noteTypeID] else {
                throw .badNote(path: path, reason: "note \(note.guid) has note type \(note.noteTypeID), which the collection does not have")
            }
            guard note.fields.count == type.fieldNames.count else {
                throw .badNote(path: path, reason: "note \(note.guid) has \(note.fields.count) fields, but its note type "
                    + "\"\(type.name)\" has \(type.fieldNames.count) (\(type.fieldNames.joined(separator: ", ")))")
            }
        }
        var deckNames: [Int64: String] = [:]
        func deckName(_ id: Int64) throws(AnkiPackageError) -> String {
            if let name = deckNames[id] { return name }
            let parts = (decks[id]?.nameParts ?? ["Default"]).map {
                String(String.UnicodeScalarView($0.unicodeScalars.filter { $0.properties.generalCategory != .control }))
                    .trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            var name = parts.isEmpty ? "Default" : parts.joined(separator: "::")
            if let deckPrefix { name = deckPrefix + "::" + name }
            if let problem = DeckName.error(name) { throw .badNote(path: path, reason: "deck \(id): \(problem)") }
            deckNames[id] = name
            return name
        }
        var deckOptions: [String: [String: String]] = [:]
        let crtDay = clock.dayNumber(at: collection.createdAt * 1000)
        let defaultScheduler = try? Scheduler(options: SchedulerOptions(), clock: clock)
        var noteTypeJSON: [Int64: String] = [:]
        var result: [AnkiCardImport] = []
        result.reserveCapacity(collection.cards.count)
        let texts = renderedTexts(of: collection.cards, notes: notes, noteTypes: noteTypes, decks: decks)
        for (cardIndex, card) in collection.cards.enumerated() {
            guard let note = notes[card.noteID], let type = noteTypes[note.noteTypeID] else {
                throw .badNote(path: path, reason: "card \(card.id) belongs to note \(card.noteID), which the collection does not have")
            }
            let homeDeck = card.originalDeckID != 0 ? card.originalDeckID : card.deckID
            let deck = try deckName(homeDeck)
            let config = decks[homeDeck]?.configID.flatMap { configs[$0] }
            if deckOptions[deck] == nil, let config {
                deckOptions[deck] = options(config, fsrs: collection.fsrsEnabled)
            }
            let front: String
            let back: String
            if let text = texts[cardIndex] {
                (front, back) = text
            } else {
                // Anki keeps a card whose template now renders empty (a field emptied after it
                // was made), and so does recall: its history must not be dropped. It shows the
                // note's fields instead, first as the front.
                let fieldTexts = note.fields.map { AnkiHTML.markdown(fromHTML: $0) }.filter { !$0.isEmpty }
                front = fieldTexts.first ?? "(empty card \(card.ordinal + 1) of note \(note.guid))"
                back = fieldTexts.dropFirst().joined(separator: "\n\n")
                warnings.append("card \(card.ordinal + 1) of note \(note.guid) renders empty in Anki; kept, showing the note's fields")
            }
            let entries = revlog[card.id] ?? []
            let idPrefix = reviewIDPrefix(guid: note.guid, ordinal: card.ordinal)
            let reviews = entries.compactMap { review(of: $0, idPrefix: idPrefix) }
            let state = schedule(card, entries: entries, reviews: reviews, crtDay: crtDay, clock: clock,
                                 steps: config, fallback: defaultScheduler)
            let stateAt = max(card.modified * 1000, entries.map(\.id).max() ?? .min)
            if noteTypeJSON[type.id] == nil { noteTypeJSON[type.id] = json(of: type) }
            result.append(AnkiCardImport(
                guid: note.guid, ordinal: card.ordinal, deck: deck, front: front, back: back, tags: note.tags,
                noteType: noteTypeJSON[type.id] ?? "{}", fields: note.fields.joined(separator: "\u{1f}"),
                ankiTags: note.tags.joined(separator: " "), noteModified: note.modified * 1000, reviews: reviews,
                state: state, stateAt: stateAt, suspended: card.queue == -1, flag: card.flags,
                buried: card.queue == -2 || card.queue == -3))
        }
        return (result, deckOptions, warnings)
    }

    /// Each card's front and back text (nil: the card renders empty), rendered on every core:
    /// turning field HTML into Markdown is most of an import's own work, and the renderer and
    /// the HTML converter are safe to run on several threads.
    static func renderedTexts(
        of cards: [AnkiCard], notes: [Int64: AnkiNote], noteTypes: [Int64: AnkiNoteType], decks: [Int64: AnkiDeck]
    ) -> [(String, String)?] {
        let count = cards.count
        var texts = [(String, String)?](repeating: nil, count: count)
        let chunk = 256
        let chunks = (count + chunk - 1) / chunk
        texts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: chunks) { part in
                // A note's cards come one after the other (cards are read by note), and its
                // fields often show on several of them (a reversed card's front is the first
                // card's back): each side's Markdown is kept until the next note.
                var cache = AnkiHTML.MarkdownCache()
                var cachedNote: Int64?
                for index in part * chunk..<min(count, (part + 1) * chunk) {
                    let card = cards[index]
                    guard let note = notes[card.noteID], let type = noteTypes[note.noteTypeID] else { continue }
                    let deck = (decks[card.deckID]?.nameParts ?? ["Default"]).joined(separator: "::")
                    guard let rendered = AnkiCardRenderer.render(
                        note, noteType: type, ordinal: card.ordinal, deckName: deck, flag: card.flags, cardID: card.id)
                    else { continue }
                    if cachedNote != note.id {
                        cache.removeAll()
                        cachedNote = note.id
                    }
                    output[index] = (rendered.frontText(cache: &cache), rendered.backText(cache: &cache))
                }
            }
        }
        return texts
    }

    /// The note type as `anki_notes.note_type` keeps it (Migrations/0005_anki_media.sql).
    static func json(of type: AnkiNoteType) -> String {
        JSONValue.object([
            "name": .string(type.name), "kind": .string(type.kind == .cloze ? "cloze" : "standard"),
            "fields": .array(type.fieldNames.map { .string($0) }),
            "templates": .array(type.templates.map {
                .object(["name": .string($0.name), "qfmt": .string($0.questionFormat), "afmt": .string($0.answerFormat)])
            }),
            "css": .string(type.css),
        ]).compact()
    }

    /// A revlog row as a recall review, or nil when it is not an answer (types 4 and 5, manual
    /// and rescheduled entries, or no rating). Its id is a UUIDv7 whose time is the row's, with
    /// the rest from the note's GUID, the card's ordinal and the row id: the same row gives the
    /// same id on every import, so a re-import or a second store never doubles it.
    static func review(of entry: AnkiRevlogEntry, note: AnkiNote, card: AnkiCard) -> Review? {
        review(of: entry, idPrefix: reviewIDPrefix(guid: note.guid, ordinal: card.ordinal))
    }

    /// `review(of:note:card:)` with the card's part of the id hashed once for all its rows.
    static func review(of entry: AnkiRevlogEntry, idPrefix: FNV64) -> Review? {
        guard (0...3).contains(entry.type), let rating = Rating(rawValue: entry.ease) else { return nil }
        return Review(id: reviewID(prefix: idPrefix, revlogID: entry.id), at: entry.id, rating: rating,
                      durationMS: max(0, entry.timeMS))
    }

    static func reviewID(guid: String, ordinal: Int, revlogID: Int64) -> ReviewID {
        reviewID(prefix: reviewIDPrefix(guid: guid, ordinal: ordinal), revlogID: revlogID)
    }

    /// The hash of what every review id of one card starts from (its note's GUID and ordinal).
    static func reviewIDPrefix(guid: String, ordinal: Int) -> FNV64 {
        var prefix = FNV64()
        prefix.add("anki-review\u{1f}" + guid + "\u{1f}" + String(ordinal))
        return prefix
    }

    static func reviewID(prefix: FNV64, revlogID: Int64) -> ReviewID {
        var first = prefix
        first.add(revlogID)
        var second = first
        second.add(UInt8(0x5A))
        let time = UInt64(max(0, revlogID)) & 0xFFFF_FFFF_FFFF
        // 48 bits of time, version 7, 12 random-looking bits; variant 10, 62 bits.
        let high = time << 16 | 0x7000 | (first.value & 0x0FFF)
        let low = 0x8000_0000_0000_0000 | (second.value & 0x3FFF_FFFF_FFFF_FFFF)
        return .uuid(high, low)
    }

    /// The card's state as Anki shows it, in recall's terms: phase and step, due (review day
    /// numbers re-based from `col.crt` onto this store's calendar; intraday learning in unix
    /// seconds), interval, and the FSRS memory state from `cards.data` (replayed from the
    /// answers with default parameters when the card has none).
    static func schedule(_ card: AnkiCard, entries: [AnkiRevlogEntry], reviews: [Review], crtDay: Int, clock: DayClock,
                         steps config: AnkiDeckConfig?, fallback: Scheduler?) -> CardState {
        var state = CardState()
        state.reps = card.reps
        state.lapses = card.lapses
        let memory = memoryState(card.data)
        let stability = memory.stability
        let difficulty = memory.difficulty
        let lastAnswer = reviews.last?.at
        let lrt = memory.lastReview.map { $0 * 1000 }
        let type = card.type
        guard type != 0 else { return state }  // new: no due, no memory
        state.lastReview = lastAnswer ?? lrt
        if let stability, let difficulty {
            state.stability = stability
            state.difficulty = difficulty
        } else if let fallback, !reviews.isEmpty {
            let replayed = fallback.replay(reviews.map { (at: $0.at, rating: $0.rating) }, fuzzSeed: 0)
            state.stability = replayed.stability
            state.difficulty = replayed.difficulty
        }
        if stability == nil, card.factor > 0 { state.ease = Double(card.factor) / 1000 }
        let due = card.originalDeckID != 0 && card.originalDue != 0 ? card.originalDue : card.due
        // Queue 1 (and learning cards buried or suspended from it) count in unix seconds; the
        // rest in days from the collection's creation.
        let inSeconds = card.queue == 1 || ((type == 1 || type == 3) && due > 1_000_000_000)
        let dueAt = inSeconds ? due * 1000 : clock.startOfDay(crtDay + Int(clamping: due))
        switch type {
        case 1, 3:
            state.phase = type == 1 ? .learning : .relearning
            let count = (type == 1 ? config?.learningSteps.count : config?.relearningSteps.count) ?? 1
            let remaining = card.left % 1000
            state.step = min(max(count - remaining, 0), max(count - 1, 0))
            state.due = dueAt
            state.intervalDays = type == 3 ? card.interval : 0
        default:
            state.phase = .review
            state.due = dueAt
            state.intervalDays = card.interval
        }
        return state
    }

    /// The FSRS memory state in a card's `data` column (`{"s":…,"d":…,"lrt":…}`): stability,
    /// difficulty and the last review (unix seconds). Anki writes a flat object of numbers, read
    /// here without Foundation's JSON objects (a tenth of an import's own work otherwise); any
    /// other shape goes through `JSONSerialization` as before.
    static func memoryState(_ data: String) -> (stability: Double?, difficulty: Double?, lastReview: Int64?) {
        if data.isEmpty { return (nil, nil, nil) }
        if let flat = FlatJSONNumbers.parse(data) {
            // An integer is read as one (as JSONSerialization's NSNumber holds it), anything else as a Double.
            func double(_ key: Substring) -> Double?? {
                guard let text = flat[key] else { return .some(nil) }
                if let integer = Int64(text) { return Double(integer) }
                guard let value = Double(text) else { return nil }
                return value
            }
            let lastReview: Int64?? = flat["lrt"].map { Int64($0) }
            if let stability = double("s"), let difficulty = double("d"), lastReview != .some(nil) {
                return (stability, difficulty, lastReview ?? nil)
            }
        }
        let memory = (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any]
        return ((memory?["s"] as? NSNumber)?.doubleValue, (memory?["d"] as? NSNumber)?.doubleValue,
                (memory?["lrt"] as? NSNumber)?.int64Value)
    }

    /// Anki's deck options as recall `config` values (`recall config --deck`): the ones that
    /// map. Each is checked by recall's own parser when set; one that does not fit is reported
    /// and left at recall's value.
    static func options(_ config: AnkiDeckConfig, fsrs: Bool?) -> [String: String] {
        func steps(_ minutes: [Double]) -> String {
            minutes.isEmpty ? "none" : minutes.map { "\(max(Int(($0 * 60).rounded()), 1))s" }.joined(separator: " ")
        }
        var result: [String: String] = [
            "new_per_day": String(min(max(config.newPerDay, 0), 9999)),
            "reviews_per_day": String(min(max(config.reviewsPerDay, 0), 9999)),
            "learning_steps": steps(config.learningSteps),
            "relearning_steps": steps(config.relearningSteps),
            "maximum_interval": String(min(max(config.maximumInterval, 1), 36_500)),
            "desired_retention": String(format: "%.2f", config.desiredRetention),
        ]
        if config.fsrsParameters.count == 21 {
            result["parameters"] = config.fsrsParameters.map { String(Float($0)) }.joined(separator: ", ")
        }
        if fsrs == false { result["algorithm"] = "sm2" }
        return result
    }

    /// Card text and the raw fields follow media that got another name in the store.
    static func rewriteMediaNames(_ cards: inout [AnkiCardImport], _ renamed: [(from: String, to: String)]) {
        func rewrite(_ text: String) -> String {
            var text = text
            for (from, to) in renamed where text.contains(from) || text.contains(encoded(from)) {
                for (old, new) in [(from, to), (encoded(from), encoded(to))] {
                    text = text.replacingOccurrences(of: "](" + old + ")", with: "](" + new + ")")
                        .replacingOccurrences(of: "](<" + old + ">)", with: "](<" + new + ">)")
                        .replacingOccurrences(of: "[sound:" + old + "]", with: "[sound:" + new + "]")
                        .replacingOccurrences(of: "src=\"" + old + "\"", with: "src=\"" + new + "\"")
                        .replacingOccurrences(of: "src='" + old + "'", with: "src='" + new + "'")
                }
            }
            return text
        }
        for index in cards.indices {
            cards[index].front = rewrite(cards[index].front)
            cards[index].back = rewrite(cards[index].back)
            cards[index].fields = rewrite(cards[index].fields)
        }
    }

    private static func encoded(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name
    }
}


/// A JSON object whose values are all plain numbers (`{"s":12.5,"d":5,"lrt":1700000000}`):
/// each key with its number's text. Nil for anything else (strings, nesting, escapes, `true`,
/// a repeated key, numbers with an exponent or too many digits), which the caller then reads
/// with a full JSON parser.
enum FlatJSONNumbers {
    static func parse(_ text: String) -> [Substring: Substring]? {
        let bytes = text.utf8
        var index = bytes.startIndex
        func skipSpace() {
            while index < bytes.endIndex, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index = bytes.index(after: index) }
        }
        func expect(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.endIndex, bytes[index] == byte else { return false }
            index = bytes.index(after: index)
            return true
        }
        guard expect(UInt8(ascii: "{")) else { return nil }
        var result: [Substring: Substring] = [:]
        skipSpace()
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
            index = bytes.index(after: index)
            skipSpace()
            return index == bytes.endIndex ? result : nil
        }
        while true {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let keyStart = index
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                // Escapes and control characters: leave them to the full parser.
                guard bytes[index] != UInt8(ascii: "\\"), bytes[index] >= 0x20 else { return nil }
                index = bytes.index(after: index)
            }
            guard index < bytes.endIndex else { return nil }
            let key = Substring(text[keyStart..<index])
            index = bytes.index(after: index)
            guard expect(UInt8(ascii: ":")) else { return nil }
            skipSpace()
            guard let number = scanNumber(bytes, &index) else { return nil }
            guard result.updateValue(Substring(text[number]), forKey: key) == nil else { return nil }
            skipSpace()
            guard index < bytes.endIndex else { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index = bytes.index(after: index)
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return nil }
            index = bytes.index(after: index)
            skipSpace()
            return index == bytes.endIndex ? result : nil
        }
    }

    /// A JSON number without exponent (`-?(0|[1-9][0-9]*)(\.[0-9]+)?`) at `index`; refused: an
    /// integer of more than 18 digits (it may not fit where the caller reads it), a decimal of
    /// more than 15, an exponent.
    private static func scanNumber(_ bytes: String.UTF8View, _ index: inout String.Index) -> Range<String.Index>? {
        let start = index
        func digits() -> Int {
            var count = 0
            while index < bytes.endIndex, (0x30...0x39).contains(bytes[index]) {
                index = bytes.index(after: index)
                count += 1
            }
            return count
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else { return nil }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            // Up to 15 digits a decimal is exactly one Double for every parser (Foundation's is
            // not correctly rounded beyond); Anki writes 4 decimals.
            let fractionDigits = digits()
            guard fractionDigits > 0, integerDigits + fractionDigits <= 15 else { return nil }
        } else if integerDigits > 18 {
            return nil
        }
        // Exponents are left to the full parser.
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") { return nil }
        return start..<index
    }
}
