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

    public static func run(
        path: String, into store: Store, deckPrefix: String?, dryRun: Bool, now: Millis, timeZone: TimeZone,
        limits: AnkiPackageReader.Limits = AnkiPackageReader.Limits()
    ) throws -> AnkiImportReport {
        let reader = try AnkiPackageReader(path: path, limits: limits)
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
            return try store.applyAnkiImport(imports, deckOptions: deckOptions, timeZone: timeZone, now: now, dryRun: dryRun)
        }
        // A dry run writes nothing (no backup either): it plans in a read transaction.
        let counts = dryRun ? try store.snapshot(body) : try store.write(body)
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
            let reviews = entries.compactMap { review(of: $0, note: note, card: card) }
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
                for index in part * chunk..<min(count, (part + 1) * chunk) {
                    let card = cards[index]
                    guard let note = notes[card.noteID], let type = noteTypes[note.noteTypeID] else { continue }
                    let deck = (decks[card.deckID]?.nameParts ?? ["Default"]).joined(separator: "::")
                    guard let rendered = AnkiCardRenderer.render(
                        note, noteType: type, ordinal: card.ordinal, deckName: deck, flag: card.flags, cardID: card.id)
                    else { continue }
                    output[index] = (rendered.frontText, rendered.backText)
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
        guard (0...3).contains(entry.type), let rating = Rating(rawValue: entry.ease) else { return nil }
        return Review(id: reviewID(guid: note.guid, ordinal: card.ordinal, revlogID: entry.id), at: entry.id, rating: rating,
                      durationMS: max(0, entry.timeMS))
    }

    static func reviewID(guid: String, ordinal: Int, revlogID: Int64) -> ReviewID {
        var first = FNV64()
        first.add("anki-review\u{1f}" + guid + "\u{1f}" + String(ordinal))
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
        let memory = (try? JSONSerialization.jsonObject(with: Data(card.data.utf8))) as? [String: Any]
        let stability = (memory?["s"] as? NSNumber)?.doubleValue
        let difficulty = (memory?["d"] as? NSNumber)?.doubleValue
        let lastAnswer = reviews.last?.at
        let lrt = (memory?["lrt"] as? NSNumber).map { $0.int64Value * 1000 }
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

