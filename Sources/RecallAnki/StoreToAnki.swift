import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// Turns a store's cards (all, or some decks') into an `AnkiCollection` that Anki shows the
/// same way recall does: the same notes, cards, decks and tags, each card due on the same
/// calendar day in the same phase, with its review log as `revlog` and its FSRS memory state.
///
/// Notes that came from an Anki package are written back as the Anki note they were (its GUID,
/// note type and fields), with one card per recall card of it; every other note becomes a note
/// of a stock note type (Basic, Basic (and reversed card), Cloze), its Markdown turned into HTML.
public struct StoreToAnki {
    /// Which cards, and whether their history goes with them.
    public struct Selection: Sendable {
        /// Deck names, each with its sub-decks; empty: every deck.
        public var decks: [String]
        /// False: every card is written as a new card, without reviews, flags or suspension
        /// (a deck to share).
        public var history: Bool

        public init(decks: [String] = [], history: Bool = true) {
            self.decks = decks
            self.history = history
        }
    }

    /// What an export wrote, for its summary line.
    public struct Counts: Sendable, Equatable {
        public var notes: Int
        public var cards: Int
        public var reviews: Int
        public var media: Int
        public var decks: Int
    }

    public var collection: AnkiCollection
    public var options: AnkiPackageWriter.Options
    /// Media name -> the file with its content in the store's media folder.
    public var mediaPaths: [String: String]
    /// The collection's SQLite file, written while the store was read (`AnkiCollectionFile`).
    let collectionFile: AnkiCollectionFile

    public var counts: Counts {
        Counts(notes: collection.notes.count, cards: collection.cards.count, reviews: collection.revlog.count,
               media: collection.media.count, decks: collection.decks.count)
    }

    /// Reads the store. `clozeText` gives a cloze note's text in Anki's `{{cN::…}}` syntax
    /// (the importer's cloze rules, `CardFace.ankiClozeText`), nil when it has no deletion.
    public init(
        store: Store, selection: Selection, now: Millis, timeZone zone: TimeZone, clozeText: (String) -> String?
    ) throws {
        // A zone that keeps one offset (UTC, most of Asia) as a fixed offset: the same days, without
        // asking ICU for the offset of each of the 500,000 answers a large export replays.
        var timeZone = zone
        if zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 0)) == nil,
           let fixed = TimeZone(secondsFromGMT: zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(now) / 1000))) {
            timeZone = fixed
        }
        var cards: [CardRecord] = []
        if selection.decks.isEmpty {
            cards = try store.cards()
        } else {
            var seen = Set<Int64>()
            for deck in selection.decks {
                // A name that only groups sub-decks (`Lang` for `Lang::FR`) exports them all.
                if try store.decks(under: deck).isEmpty { throw StoreError.deckNotFound(deck) }
                for card in try store.cards(deck: deck) where seen.insert(card.id).inserted { cards.append(card) }
            }
            cards.sort { $0.id < $1.id }
        }
        let clock = try store.dayClock(timeZone: timeZone)
        // Each card's answers, oldest first, read in one pass (`forEachReview`'s order is the log's).
        var reviews: [Int64: [Answer]] = [:]
        var reviewCount = 0
        if selection.history {
            let wanted = selection.decks.isEmpty ? nil : Set(cards.map(\.id))
            // The log comes card by card: each card's answers are gathered, then stored once
            // (not a dictionary update per answer).
            var current: (card: Int64, answers: [Answer])?
            try store.forEachReview { cardID, _, at, rating, durationMS in
                if current?.card != cardID {
                    if let done = current { reviews[done.card, default: []] += done.answers }
                    current = nil
                    if let wanted, !wanted.contains(cardID) { return }
                    current = (cardID, [])
                }
                current?.answers.append(Answer(at: at, rating: Rating(rawValue: rating) ?? .again, durationMS: durationMS))
                reviewCount += 1
            }
            if let done = current { reviews[done.card, default: []] += done.answers }
        }

        // Day numbers count from `crt`: the start of the earliest day anything happened on, so
        // that none is negative.
        var earliest = now
        for card in cards { earliest = min(earliest, card.created) }
        for log in reviews.values { if let first = log.first { earliest = min(earliest, first.at) } }
        let crtDay = clock.dayNumber(at: earliest)
        let crtMillis = clock.startOfDay(crtDay)
        let offsetWest = -timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(crtMillis) / 1000)) / 60
        options = AnkiPackageWriter.Options(
            rolloverHour: clock.rolloverHour, creationOffsetMinutes: offsetWest, modified: now / 1000)
        var collection = AnkiCollection(schemaVersion: 11, createdAt: crtMillis / 1000)
        // Rows go to the collection file in batches as they are made; it inserts them on a
        // thread of its own.
        let file = try AnkiCollectionFile()

        // Decks, their implied parents, and one options group per distinct set of options.
        var ids = UniqueIDs()
        var noteIDGenerator = UniqueIDs()
        var deckIDs: [String: Int64] = [:]
        var configIDs: [(options: SchedulerOptions, id: Int64)] = []
        var schedulers: [Int64: Scheduler] = [:]
        var deckOptions: [Int64: SchedulerOptions] = [:]
        let recallDecks = Dictionary(cards.map { ($0.deckID, $0.deck) }, uniquingKeysWith: { first, _ in first })
        for (recallID, name) in recallDecks.sorted(by: { $0.value < $1.value }) {
            let deckOption = try store.options(forDeckID: recallID)
            deckOptions[recallID] = deckOption
            schedulers[recallID] = try store.scheduler(forDeckID: recallID, timeZone: timeZone)
            let configID: Int64
            if let known = configIDs.first(where: { $0.options == deckOption }) {
                configID = known.id
            } else {
                configID = ids.take(near: now)
                configIDs.append((deckOption, configID))
                collection.deckConfigs.append(Self.deckConfig(deckOption, id: configID,
                                                              name: configIDs.count == 1 ? "recall" : "recall: \(name)"))
            }
            let parts = name.components(separatedBy: "::")
            for depth in 1...parts.count {
                let path = parts.prefix(depth).joined(separator: "::")
                if let existing = deckIDs[path] {
                    if depth == parts.count, let index = collection.decks.firstIndex(where: { $0.id == existing }) {
                        collection.decks[index].configID = configID
                    }
                    continue
                }
                let id = ids.take(near: now)
                deckIDs[path] = id
                collection.decks.append(AnkiDeck(id: id, nameParts: Array(parts.prefix(depth)),
                                                 configID: depth == parts.count ? configID : 1))
            }
        }

        // Each card's Anki id, in card order (ids only grow: the cards go in in id order).
        var cardIDGenerator = UniqueIDs()
        let cardIDs = cards.map { cardIDGenerator.take(near: $0.created) }

        // The revlog: each card's answers replayed, on another thread while this one makes the
        // notes and cards (a fifth of the export each), then sorted and handed to the file.
        let revlog = RevlogJob()
        if selection.history {
            let (cards, reviews, schedulers, reviewCount) = (cards, reviews, schedulers, reviewCount)
            DispatchQueue.global().async(group: revlog.group) {
                var entries: [AnkiRevlogEntry] = []
                entries.reserveCapacity(reviewCount)
                for (index, card) in cards.enumerated() {
                    guard let log = reviews[card.id], let scheduler = schedulers[card.deckID] else { continue }
                    Self.appendRevlog(log, cardID: cardIDs[index], scheduler: scheduler, fuzzSeed: fuzzSeed(forGUID: card.guid),
                                      to: &entries)
                }
                Self.makeRevlogIDsUnique(&entries)
                file.add(revlog: entries)
                revlog.entries = entries
            }
        }
        reviews = [:]

        // Notes: an Anki note per GUID for cards that came from Anki, one per recall note otherwise.
        let cardOrigins = try store.ankiCardOrigins()
        let ankiNotes = try store.ankiNoteOrigins(guids: Set(cards.compactMap { cardOrigins[$0.noteID]?.guid }))
        var noteTypeIDs: [String: Int64] = [:]
        // Every note of a type keeps the same JSON: it is read once (JSONSerialization per note
        // was a fifth of an export of 50,000 Anki notes).
        var parsedNoteTypes: [String: AnkiNoteType?] = [:]
        func parsedNoteType(_ json: String) -> AnkiNoteType? {
            if let known = parsedNoteTypes[json] { return known }
            let type = Self.noteType(fromJSON: json)
            parsedNoteTypes[json] = .some(type)
            return type
        }
        var noteIDs: [String: Int64] = [:]  // by Anki GUID
        var clozeNotes = Set<String>()  // GUIDs of recall notes written as Cloze notes
        var newPosition = 0
        var mediaNames = Set<String>()
        var mediaOrder: [String] = []

        func noteType(_ type: AnkiNoteType, key: String) -> Int64 {
            if let id = noteTypeIDs[key] { return id }
            var type = type
            var hash = FNV64()
            hash.add(key)
            type.id = 1_000_000_000_000 + Int64(hash.value % 900_000_000_000)
            while collection.noteTypes.contains(where: { $0.id == type.id }) { type.id += 1 }
            noteTypeIDs[key] = type.id
            collection.noteTypes.append(type)
            return type.id
        }

        var notesSent = 0
        var cardsSent = 0
        for (index, card) in cards.enumerated() {
            if collection.cards.count - cardsSent >= 4096 {
                file.add(notes: Array(collection.notes[notesSent...]))
                file.add(cards: Array(collection.cards[cardsSent...]))
                (notesSent, cardsSent) = (collection.notes.count, collection.cards.count)
            }
            let guid: String
            let ordinal: Int
            if let origin = cardOrigins[card.noteID], let note = ankiNotes[origin.guid],
               let type = parsedNoteType(note.noteTypeJSON) {
                guid = origin.guid
                ordinal = origin.ordinal
                if noteIDs[guid] == nil {
                    let typeID = noteType(type, key: note.noteTypeJSON)
                    let id = noteIDGenerator.take(near: card.created)
                    noteIDs[guid] = id
                    var fields = note.fields
                    if fields.count < type.fieldNames.count {
                        fields += Array(repeating: "", count: type.fieldNames.count - fields.count)
                    }
                    collection.notes.append(AnkiNote(id: id, guid: guid, noteTypeID: typeID, modified: note.modified / 1000,
                                                     tags: note.tags, fields: fields))
                }
            } else {
                guid = card.noteGUID
                if noteIDs[guid] != nil {
                    // A sibling made the note: its Markdown is not turned into HTML again.
                    ordinal = Self.nativeOrdinal(card, asCloze: clozeNotes.contains(guid))
                } else {
                    let native = Self.nativeNote(card, clozeText: clozeText)
                    ordinal = native.ordinal
                    if native.type.kind == .cloze { clozeNotes.insert(guid) }
                    let typeID = noteType(native.type, key: "stock:" + native.type.name)
                    let id = noteIDGenerator.take(near: card.created)
                    noteIDs[guid] = id
                    collection.notes.append(AnkiNote(id: id, guid: guid, noteTypeID: typeID, modified: card.modified / 1000,
                                                     tags: card.tags, fields: native.fields))
                }
            }
            guard let noteID = noteIDs[guid] else { continue }
            let cardID = cardIDs[index]
            let deckID = deckIDs[card.deck] ?? 1
            guard selection.history, let deckOption = deckOptions[card.deckID] else {
                newPosition += 1
                collection.cards.append(AnkiCard(
                    id: cardID, noteID: noteID, deckID: deckID, ordinal: ordinal, modified: card.modified / 1000, type: 0,
                    queue: 0, due: Int64(newPosition), interval: 0, factor: 0, reps: 0, lapses: 0, left: 0))
                continue
            }
            var ankiCard = Self.scheduledCard(
                card, clock: clock, crtDay: crtDay, today: clock.dayNumber(at: now), options: deckOption,
                newPosition: &newPosition)
            ankiCard.id = cardID
            ankiCard.noteID = noteID
            ankiCard.deckID = deckID
            ankiCard.ordinal = ordinal
            collection.cards.append(ankiCard)
        }
        file.add(notes: Array(collection.notes[notesSent...]))
        file.add(cards: Array(collection.cards[cardsSent...]))
        revlog.group.wait()
        collection.revlog = revlog.entries

        // Media the exported notes refer to, each once, under its name.
        var mediaPaths: [String: String] = [:]
        for note in collection.notes {
            for field in note.fields {
                for name in Self.mediaReferences(in: field) where mediaNames.insert(name).inserted { mediaOrder.append(name) }
            }
        }
        for name in mediaOrder {
            guard let file = try store.media(named: name) else { continue }  // a reference to no file: nothing to carry
            mediaPaths[name] = store.mediaContentPath(file)
            collection.media.append(AnkiMediaFile(name: name, zipEntry: String(collection.media.count), size: file.size))
        }
        collection.fsrsEnabled = deckOptions.values.contains { $0.algorithm == .fsrs } || deckOptions.isEmpty
        try file.finish(collection, options: options)
        self.collection = collection
        self.mediaPaths = mediaPaths
        self.collectionFile = file
    }

    /// Writes the package (see `AnkiPackageWriter`).
    public func write(to path: String) throws(AnkiWriteError) {
        try AnkiPackageWriter.write(collection, collectionFile: collectionFile, to: path, options: options) {
            mediaPaths[$0.name]
        }
    }

    // MARK: - Note types

    static let stockCSS = """
        .card {
            font-family: arial;
            font-size: 20px;
            line-height: 1.5;
            text-align: center;
            color: black;
            background-color: white;
        }
        pre {
            text-align: left;
        }

        """

    static let basic = AnkiNoteType(
        id: 0, name: "Basic", kind: .standard, fieldNames: ["Front", "Back"],
        templates: [AnkiCardTemplate(name: "Card 1", questionFormat: "{{Front}}",
                                     answerFormat: "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}")],
        css: stockCSS)

    static let reversed = AnkiNoteType(
        id: 0, name: "Basic (and reversed card)", kind: .standard, fieldNames: ["Front", "Back"],
        templates: [
            AnkiCardTemplate(name: "Card 1", questionFormat: "{{Front}}",
                             answerFormat: "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}"),
            AnkiCardTemplate(name: "Card 2", questionFormat: "{{Back}}",
                             answerFormat: "{{FrontSide}}\n\n<hr id=answer>\n\n{{Front}}"),
        ],
        css: stockCSS)

    static let cloze = AnkiNoteType(
        id: 0, name: "Cloze", kind: .cloze, fieldNames: ["Text", "Back Extra"],
        templates: [AnkiCardTemplate(name: "Cloze", questionFormat: "{{cloze:Text}}",
                                     answerFormat: "{{cloze:Text}}<br>\n{{Back Extra}}")],
        css: stockCSS + ".cloze {\n    font-weight: bold;\n    color: blue;\n}\n.nightMode .cloze {\n    color: lightblue;\n}\n")

    /// A recall note as a note of a stock type, and which card of it `card` is.
    static func nativeNote(_ card: CardRecord, clozeText: (String) -> String?) -> (type: AnkiNoteType, fields: [String], ordinal: Int) {
        switch card.kind {
        case .basic:
            return (basic, [MarkdownToAnkiHTML.html(card.front), MarkdownToAnkiHTML.html(card.back)], 0)
        case .reversed:
            return (reversed, [MarkdownToAnkiHTML.html(card.front), MarkdownToAnkiHTML.html(card.back)],
                    nativeOrdinal(card, asCloze: false))
        case .cloze:
            guard let text = clozeText(card.front) else {
                return (basic, [MarkdownToAnkiHTML.html(card.front), MarkdownToAnkiHTML.html(card.back)], 0)
            }
            return (cloze, [MarkdownToAnkiHTML.html(text), MarkdownToAnkiHTML.html(card.back)], nativeOrdinal(card, asCloze: true))
        }
    }

    /// Which card of its note `card` is, the note written as a Cloze note or not (`nativeNote`).
    static func nativeOrdinal(_ card: CardRecord, asCloze: Bool) -> Int {
        switch card.kind {
        case .basic: return 0
        case .reversed: return card.ordinal == 2 ? 1 : 0
        case .cloze: return asCloze ? max(card.ordinal - 1, 0) : 0
        }
    }

    /// The note type kept with a note imported from Anki (`anki_notes.note_type`, migration 0005).
    static func noteType(fromJSON text: String) -> AnkiNoteType? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let name = object["name"] as? String, let fields = object["fields"] as? [String],
              let templates = object["templates"] as? [[String: Any]]
        else { return nil }
        return AnkiNoteType(
            id: 0, name: name, kind: (object["kind"] as? String) == "cloze" ? .cloze : .standard, fieldNames: fields,
            templates: templates.map {
                AnkiCardTemplate(name: $0["name"] as? String ?? "Card", questionFormat: $0["qfmt"] as? String ?? "",
                                 answerFormat: $0["afmt"] as? String ?? "")
            },
            css: object["css"] as? String ?? "")
    }

    static func deckConfig(_ options: SchedulerOptions, id: Int64, name: String) -> AnkiDeckConfig {
        AnkiDeckConfig(
            id: id, name: name, newPerDay: options.newPerDay, reviewsPerDay: options.reviewsPerDay,
            learningSteps: options.learningSteps.map { Double($0) / 60 },
            relearningSteps: options.relearningSteps.map { Double($0) / 60 }, maximumInterval: options.maximumInterval,
            desiredRetention: options.desiredRetention,
            fsrsParameters: options.algorithm == .fsrs ? options.parameters : [])
    }

    // MARK: - Scheduling

    /// A card's Anki scheduling columns from its recall state (ids are filled in by the caller).
    static func scheduledCard(
        _ card: CardRecord, clock: DayClock, crtDay: Int, today: Int, options: SchedulerOptions, newPosition: inout Int
    ) -> AnkiCard {
        let state = card.state
        var result = AnkiCard(
            id: 0, noteID: 0, deckID: 0, ordinal: 0, modified: card.modified / 1000, type: 0, queue: 0, due: 0,
            interval: 0, factor: 0, reps: state.reps, lapses: state.lapses, left: 0, flags: card.flag & 7)
        func dayDue(_ millis: Millis?) -> Int64 { Int64(clock.dayNumber(at: millis ?? 0) - crtDay) }
        /// Anki keeps a (re)learning card whose step is shorter than a day in the intraday queue
        /// (due in seconds), and one on a step of a day or more in the interday queue (due a day).
        func intraday(_ due: Millis?, steps: [Int]) -> Bool {
            if steps.indices.contains(state.step), steps[state.step] >= 86_400 { return false }
            guard let due, let last = state.lastReview else { return true }
            return due - last < 86_400_000
        }
        switch state.phase {
        case .new:
            newPosition += 1
            result.due = Int64(newPosition)
        case .learning, .relearning:
            result.type = state.phase == .learning ? 1 : 3
            let steps = state.phase == .learning ? options.learningSteps : options.relearningSteps
            result.left = max(steps.count - state.step, 1)
            if intraday(state.due, steps: steps) {
                result.queue = 1
                result.due = (state.due ?? 0) / 1000
            } else {
                result.queue = 3
                result.due = dayDue(state.due)
            }
            result.interval = state.phase == .relearning ? state.intervalDays : 0
        case .review:
            result.type = 2
            result.queue = 2
            result.due = dayDue(state.due)
            result.interval = state.intervalDays
        }
        if state.phase != .new {
            result.factor = Int(((state.ease ?? options.startingEase) * 1000).rounded())
        }
        if let stability = state.stability, let difficulty = state.difficulty {
            // `cards.data` as Anki writes it; formatted here, not by JSONSerialization, which
            // costs a quarter of a 60,000-card export.
            var data = "{\"s\":\(round4(stability)),\"d\":\(round4(difficulty)),\"dr\":\(options.desiredRetention)"
            if options.parameters.count > 20 { data += ",\"decay\":\(round4(options.parameters[20]))" }
            if let last = state.lastReview { data += ",\"lrt\":\(last / 1000)" }
            result.data = data + "}"
        }
        if card.suspended {
            result.queue = -1
        } else if let buried = card.buriedUntil, buried >= today {
            result.queue = -2
        }
        return result
    }

    static func round4(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    /// A card's reviews as revlog rows: each answer replayed from the card's first, so that every
    /// row says which phase the card was in (learn, review, relearn) and what interval it gave.
    static func appendRevlog(
        _ log: [Answer], cardID: Int64, scheduler: Scheduler, fuzzSeed: UInt64, to entries: inout [AnkiRevlogEntry]
    ) {
        var state = CardState()
        for review in log {
            let before = state
            state = scheduler.answer(before, rating: review.rating, at: review.at, fuzzSeed: fuzzSeed).state
            let id = review.at
            let type: Int
            switch before.phase {
            case .new, .learning: type = 0
            case .review: type = 1
            case .relearning: type = 2
            }
            let factor: Int
            if let difficulty = state.difficulty, scheduler.options.algorithm == .fsrs {
                factor = Int((((difficulty - 1) / 9 + 0.1) * 1000).rounded())
            } else {
                factor = Int(((state.ease ?? scheduler.options.startingEase) * 1000).rounded())
            }
            entries.append(AnkiRevlogEntry(
                id: id, cardID: cardID, ease: review.rating.rawValue, interval: interval(of: state, at: review.at),
                lastInterval: interval(of: before, at: review.at), factor: factor, timeMS: max(review.durationMS, 0),
                type: type))
        }
    }

    /// A revlog id is the answer's time in ms and must be unique: answers given in the same
    /// millisecond (a script, a merge of two stores) move to the next free one, in time order.
    /// Sorts `entries` by id (then card), the order the file takes them in.
    static func makeRevlogIDsUnique(_ entries: inout [AnkiRevlogEntry]) {
        entries.sort { $0.id != $1.id ? $0.id < $1.id : $0.cardID < $1.cardID }
        var previous = Int64.min
        for index in entries.indices {
            if entries[index].id <= previous { entries[index].id = previous + 1 }
            previous = entries[index].id
        }
    }

    /// Anki's revlog interval: days for a review card, minus the seconds of the step for a
    /// (re)learning one, 0 for a new card.
    static func interval(of state: CardState, at moment: Millis) -> Int64 {
        switch state.phase {
        case .new: return 0
        case .review: return Int64(state.intervalDays)
        case .learning, .relearning:
            guard let due = state.due else { return 0 }
            let from = state.lastReview ?? moment
            return -max((due - from) / 1000, 1)
        }
    }

    // MARK: - Media

    /// Names of the media a field refers to: `<img src="…">` and `[sound:…]`.
    static func mediaReferences(in html: String) -> [String] {
        let bytes = Array(html.utf8)
        var names: [String] = []
        var i = 0
        while let open = find(Array("[sound:".utf8), in: bytes, from: i) {
            let start = open + 7
            guard let close = bytes[start...].firstIndex(of: UInt8(ascii: "]")) else { break }
            names.append(String(decoding: bytes[start..<close], as: UTF8.self))
            i = close
        }
        i = 0
        let lowered = bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        while let tag = find(Array("<img".utf8), in: lowered, from: i) {
            let end = lowered[tag...].firstIndex(of: UInt8(ascii: ">")) ?? lowered.endIndex
            i = end
            guard let src = find(Array("src=".utf8), in: lowered, from: tag), src < end else { continue }
            var start = src + 4
            var stop: Int
            if start < end, lowered[start] == UInt8(ascii: "\"") || lowered[start] == UInt8(ascii: "'") {
                let quote = lowered[start]
                start += 1
                stop = lowered[start..<end].firstIndex(of: quote) ?? end
            } else {
                stop = lowered[start..<end].firstIndex { $0 == 32 || $0 == 9 || $0 == 10 || $0 == UInt8(ascii: "/") } ?? end
            }
            let name = String(decoding: bytes[start..<stop], as: UTF8.self).replacingOccurrences(of: "&amp;", with: "&")
            if !name.isEmpty, !name.contains("://") { names.append(name.removingPercentEncoding ?? name) }
        }
        return names
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == needle[0] {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}

/// The revlog made on another thread (`StoreToAnki.init`): read after `group` is done.
private final class RevlogJob: @unchecked Sendable {
    let group = DispatchGroup()
    var entries: [AnkiRevlogEntry] = []
}

/// One answer of a card's log: what a revlog row needs of it.
struct Answer: Sendable {
    var at: Millis
    var rating: Rating
    var durationMS: Int64
}

/// Anki's ids are milliseconds; rows of one kind must not share one. Each id is the moment
/// asked for, or the one after the last id given when that is later (ids only grow, so a bulk
/// of notes made in one millisecond costs nothing to number).
struct UniqueIDs {
    private var last: Int64 = 1_000_000_000_000 - 1

    mutating func take(near millis: Int64) -> Int64 {
        last = max(millis, last + 1)
        return last
    }
}
