import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// Writes deck files (docs/json.md, "Deck files"). The layout is fixed so that two exports of
/// stores that hold the same cards are byte-identical and a diff of two exports shows exactly
/// what changed: keys sorted, two-space indentation, decks by name, cards by id, each card a
/// block of one member per line, reviews by time. A review, a tombstone, a card's state and its
/// tags are each one line, written compact (no spaces, as `JSONValue.compact()`): a million
/// reviews make most of a big file, and the spaces would add 7 MB to it.
public enum DeckExporter {
    /// What to export.
    public struct Selection: Sendable, Equatable {
        /// Deck names (each with its sub-decks); empty for every deck.
        public var decks: [String]
        /// False leaves out each card's state and reviews, for sharing a deck with other people.
        public var history: Bool
        /// Whether the export records the answers it wrote as published (so `undo` refuses
        /// them); false for a read-only store, which cannot record anything.
        public var recordsPublished = true

        public init(decks: [String] = [], history: Bool = true) {
            self.decks = decks
            self.history = history
        }
    }

    /// How much an export holds.
    public struct Counts: Sendable, Equatable {
        public var decks = 0
        public var cards = 0
        public var reviews = 0
        /// The media files the exported cards use, as listed in the file (`MediaTransfer`).
        public var media: [MediaFile] = []
    }

    /// Exports to a file, atomically (readers see the old file or the new one, never a mix).
    @discardableResult
    public static func export(_ store: Store, _ selection: Selection = Selection(), toFile path: String) throws -> Counts {
        try export(store, selection, toFile: path, onlyIfChanged: false).counts
    }

    /// How often an export starts again because an answer or undo was committed while it read
    /// (issue 14 item 7), before it takes the write lock for its whole length instead.
    static let snapshotAttempts = 3

    /// Exports to a file, atomically. The store is read in one snapshot, and the answers the file
    /// holds are recorded as published inside that same snapshot, before the file is put in
    /// place: an `undo` can then never take back an answer the file has (issue 14 item 7). If
    /// another recall wrote meanwhile, the export starts again on a fresh snapshot (the
    /// temporary file is dropped, the target untouched); the last attempt holds the write lock
    /// throughout. A failure after recording (the rename) leaves answers marked published that
    /// no file holds: undo refuses them, the safe side. `onlyIfChanged` leaves a target that
    /// already holds exactly these bytes alone (`AtomicFile.commitIfChanged`).
    static func export(_ store: Store, _ selection: Selection, toFile path: String,
                       onlyIfChanged: Bool) throws -> (counts: Counts, replaced: Bool) {
        let recording = selection.history && selection.recordsPublished
        var attempt = 1
        while true {
            var file = try AtomicFile(path: path)
            do {
                let counts = try store.snapshot(immediate: attempt >= snapshotAttempts) {
                    var writer = ByteWriter(sink: file.sink)
                    let counts = try write(store, selection, to: &writer)
                    try writer.flush()
                    if recording { try store.recordPublishedAnswers(inDecks: selection.decks) }
                    return counts
                }
                if onlyIfChanged { return (counts, try file.commitIfChanged()) }
                try file.commit()
                return (counts, true)
            } catch let error as StoreError where error.isBusy && attempt < snapshotAttempts {
                file.discard()
                attempt += 1
            } catch {
                file.discard()
                throw error
            }
        }
    }

    /// Exports to an open file descriptor (standard output), in chunks. Bytes sent cannot be
    /// taken back, so this holds the write lock for the whole export: an answer given meanwhile
    /// waits, and an undo cannot slip between what was written and what is recorded.
    @discardableResult
    public static func export(
        _ store: Store, _ selection: Selection = Selection(), toDescriptor descriptor: Int32, name: String
    ) throws -> Counts {
        let recording = selection.history && selection.recordsPublished
        return try store.snapshot(immediate: recording) {
            var writer = ByteWriter(sink: FileDescriptorSink(descriptor: descriptor, name: name))
            let counts = try write(store, selection, to: &writer)
            try writer.flush()
            if recording { try store.recordPublishedAnswers(inDecks: selection.decks) }
            return counts
        }
    }

    /// The export as bytes in memory.
    public static func exportBytes(_ store: Store, _ selection: Selection = Selection()) throws -> [UInt8] {
        var writer = ByteWriter(sink: MemorySink())
        try write(store, selection, to: &writer)
        try writer.flush()
        return writer.sink.bytes
    }

    // MARK: The file

    /// One review held for the export: 40 bytes, so a million fit in 40 MB.
    struct HeldReview {
        var at: Millis
        var durationMS: Int64
        var id: ReviewID
        var card: Int32
        var rating: Int8
    }

    /// The reviews of the chosen cards, read in one pass over the log (table order, the
    /// cheapest read) and grouped by card with a counting sort: `order[start[c]..<start[c + 1]]`
    /// are card `c`'s reviews, oldest first.
    struct ReviewTable {
        var reviews: [HeldReview] = []
        var order: [Int32] = []
        var start: [Int] = [0]

        /// No reviews (an export without history).
        init(cards: Int) {
            start = [Int](repeating: 0, count: cards + 1)
        }

        init(store: Store, cards: [SyncCard]) throws {
            var indexByID: [Int64: Int32] = [:]
            indexByID.reserveCapacity(cards.count)
            for (index, card) in cards.enumerated() { indexByID[card.id] = Int32(index) }
            reviews.reserveCapacity(try store.reviewCount())
            var lastID: Int64 = -1
            var lastIndex: Int32?
            var counts = [Int](repeating: 0, count: cards.count + 1)
            try store.forEachReviewUnordered { cardID, id, at, rating, duration in
                if cardID != lastID {
                    lastID = cardID
                    lastIndex = indexByID[cardID]
                }
                guard let card = lastIndex else { return }
                counts[Int(card)] += 1
                reviews.append(HeldReview(at: at, durationMS: duration, id: id, card: card, rating: Int8(truncatingIfNeeded: rating)))
            }
            start = [Int](repeating: 0, count: cards.count + 1)
            for index in 0..<cards.count { start[index + 1] = start[index] + counts[index] }
            var next = start
            order = [Int32](repeating: 0, count: reviews.count)
            for (index, review) in reviews.enumerated() {
                order[next[Int(review.card)]] = Int32(index)
                next[Int(review.card)] += 1
            }
            // Table order is usually time order already; sort the cards where it is not.
            for card in 0..<cards.count where start[card + 1] - start[card] > 1 {
                let range = start[card]..<start[card + 1]
                let inOrder = zip(order[range], order[range].dropFirst()).allSatisfy { a, b in
                    let x = reviews[Int(a)], y = reviews[Int(b)]
                    return (x.at, x.id) < (y.at, y.id)
                }
                if !inOrder {
                    order[range].sort { a, b in
                        let x = reviews[Int(a)], y = reviews[Int(b)]
                        return (x.at, x.id) < (y.at, y.id)
                    }
                }
            }
        }
    }

    @discardableResult
    static func write<S: ByteSink>(_ store: Store, _ selection: Selection, to out: inout ByteWriter<S>) throws -> Counts {
        var counts = Counts()
        try store.prepareForBulkWork(cacheMegabytes: 8)
        let allDecks = try store.syncDecks()
        var chosen = allDecks
        if !selection.decks.isEmpty {
            // A name may also be only the parent of sub-decks (`lang` for `lang::go`).
            // Names as this store shows them (`localName`).
            for name in selection.decks where !allDecks.contains(where: { Self.isDeck($0.localName, within: name) }) {
                throw StoreError.deckNotFound(name)
            }
            chosen = allDecks.filter { deck in selection.decks.contains { Self.isDeck(deck.localName, within: $0) } }
        }
        let chosenIDs = Set(chosen.map(\.id))
        let cards = try store.syncCards().filter { chosenIDs.contains($0.deckID) }
        let table = selection.history ? try ReviewTable(store: store, cards: cards) : ReviewTable(cards: cards.count)
        // Imported Anki cards' checkpoints (history only: without it every card starts new).
        let checkpoints = selection.history ? try store.checkpoints() : [:]
        counts.reviews = table.reviews.count

        var cardsByDeck: [Int64: [Int]] = [:]
        for (index, card) in cards.enumerated() { cardsByDeck[card.deckID, default: []].append(index) }
        // By name, then id: two decks may share a name.
        let decks = chosen.sorted { $0.name != $1.name ? utf8Less($0.name, $1.name) : utf8Less($0.guid, $1.guid) }

        out.raw("{")
        out.newline(indent: 2)
        out.raw("\"decks\": [")
        for (deckNumber, deck) in decks.enumerated() {
            out.raw(deckNumber == 0 ? "" : ",")
            out.newline(indent: 4)
            out.raw("{")
            out.newline(indent: 6)
            out.raw("\"cards\": [")
            let members = cardsByDeck[deck.id] ?? []  // by guid, as `syncCards` reads them
            for (cardNumber, index) in members.enumerated() {
                out.raw(cardNumber == 0 ? "" : ",")
                writeCard(cards[index], history: selection.history, reviews: table, index: index,
                          checkpoint: checkpoints.isEmpty ? nil : checkpoints[cards[index].id], to: &out)
                try out.flushIfFull()
            }
            if !members.isEmpty { out.newline(indent: 6) }
            out.raw("],")
            out.newline(indent: 6)
            out.raw("\"config\": ")
            writeConfig(deck.config, to: &out)
            out.raw(",")
            out.newline(indent: 6)
            out.raw("\"id\": ")
            out.string(deck.guid)
            out.raw(",")
            out.newline(indent: 6)
            out.raw("\"modified\": ")
            out.time(deck.modified)
            out.raw(",")
            out.newline(indent: 6)
            out.raw("\"name\": ")
            out.string(deck.name)
            out.raw(",")
            out.newline(indent: 6)
            out.raw("\"renamed\": ")
            out.time(deck.renamed)
            out.newline(indent: 4)
            out.raw("}")
        }
        if !decks.isEmpty { out.newline(indent: 2) }
        out.raw("],")
        out.newline(indent: 2)
        out.raw("\"format\": \"recall-deck\",")
        out.newline(indent: 2)
        // The media the cards use, when there are any: a file without pictures is as before.
        let known = try store.allMedia()
        if !known.isEmpty {
            let byName = Dictionary(known.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            counts.media = MediaTransfer.used(by: cards.flatMap { [$0.front, $0.back] }, known: byName)
        }
        if !counts.media.isEmpty {
            out.raw("\"media\": [")
            for (number, file) in counts.media.enumerated() {
                out.raw(number == 0 ? "" : ",")
                out.newline(indent: 4)
                out.raw("{\"name\":")
                out.string(file.name)
                out.raw(",\"sha256\":")
                out.string(file.sha256)
                out.raw(",\"size\":")
                out.int(Int64(file.size))
                out.raw("}")
            }
            out.newline(indent: 2)
            out.raw("],")
            out.newline(indent: 2)
        }
        out.raw("\"tombstones\": [")
        // Every tombstone, also in an export of some decks: a deleted deck's name is gone, so
        // which of the chosen decks a deck tombstone belonged to cannot be told (nor a card's).
        let tombstones = try store.syncTombstones().sorted { utf8Less($0.id, $1.id) }
        for (number, tombstone) in tombstones.enumerated() {
            out.raw(number == 0 ? "" : ",")
            out.newline(indent: 4)
            if let deck = tombstone.deck {
                // A deleted deck as it was: members sorted, on one line.
                out.raw("{\"config\":")
                writeCompactConfig(deck.config, to: &out)
                out.raw(",\"deleted\":")
                out.time(tombstone.deleted)
                out.raw(",\"id\":")
                out.string(tombstone.id)
                out.raw(",\"kind\":\"deck\",\"modified\":")
                out.time(deck.modified)
                out.raw(",\"name\":")
                out.string(deck.name)
                out.raw(",\"renamed\":")
                out.time(deck.renamed)
                out.raw("}")
                continue
            }
            out.raw("{")
            if var card = tombstone.card {
                // A deleted card as it was, on the same line (its reviews only with history).
                if !selection.history { card.reviews = [] }
                out.raw("\"card\":")
                out.json(card.json(id: tombstone.id).compact())
                out.raw(",")
            }
            out.raw("\"deleted\":")
            out.time(tombstone.deleted)
            out.raw(",\"id\":")
            out.string(tombstone.id)
            out.raw(",\"kind\":")
            out.string(tombstone.kind.rawValue)
            out.raw("}")
        }
        if !tombstones.isEmpty { out.newline(indent: 2) }
        out.raw("],")
        out.newline(indent: 2)
        out.raw("\"version\": ")
        out.int(Int64(DeckFile.version))
        out.newline(indent: 0)
        out.raw("}")
        out.newline(indent: 0)
        counts.decks = decks.count
        counts.cards = cards.count
        return counts
    }

    /// `name` is `deck` or one of its sub-decks (`deck::child`).
    static func isDeck(_ name: String, within deck: String) -> Bool {
        name == deck || name.hasPrefix(deck + "::")
    }

    private static func writeCard<S: ByteSink>(
        _ card: borrowing SyncCard, history: Bool, reviews table: ReviewTable, index: Int, checkpoint: CardCheckpoint? = nil,
        to out: inout ByteWriter<S>
    ) {
        out.newline(indent: 8)
        out.raw("{")
        out.newline(indent: 10)
        out.raw("\"back\": ")
        out.string(card.back)
        out.raw(",")
        let marks = card.marks
        // Each mark's time only when it changed since the card was created, and a mark only when
        // set: files of cards never marked stay short.
        if marks.buriedAt > card.created {
            out.newline(indent: 10)
            out.raw("\"buried_at\": ")
            out.time(marks.buriedAt)
            out.raw(",")
        }
        if let day = marks.buriedUntil {
            out.newline(indent: 10)
            out.raw("\"buried_until\": ")
            out.string(ISOTime.formatDay(day))
            out.raw(",")
        }
        if let checkpoint {
            out.newline(indent: 10)
            out.raw("\"checkpoint\": {\"at\":")
            out.time(checkpoint.at)
            out.raw(",\"state\":")
            writeState(checkpoint.state, full: true, to: &out)
            out.raw("},")
        }
        out.newline(indent: 10)
        out.raw("\"created\": ")
        out.time(card.created)
        out.raw(",")
        if marks.flag != 0 {
            out.newline(indent: 10)
            out.raw("\"flag\": ")
            out.int(Int64(marks.flag))
            out.raw(",")
        }
        if marks.flaggedAt > card.created {
            out.newline(indent: 10)
            out.raw("\"flagged_at\": ")
            out.time(marks.flaggedAt)
            out.raw(",")
        }
        out.newline(indent: 10)
        out.raw("\"front\": ")
        out.string(card.front)
        out.raw(",")
        out.newline(indent: 10)
        out.raw("\"id\": ")
        out.string(card.guid)
        out.raw(",")
        out.newline(indent: 10)
        out.raw("\"kind\": ")
        out.string(card.kind.rawValue)
        out.raw(",")
        out.newline(indent: 10)
        out.raw("\"modified\": ")
        out.time(card.modified)
        out.raw(",")
        if card.moved > card.created {
            // Only for a card that changed deck: files of stores that never moved a card stay
            // short.
            out.newline(indent: 10)
            out.raw("\"moved\": ")
            out.time(card.moved)
            out.raw(",")
        }
        out.newline(indent: 10)
        out.raw("\"note\": ")
        out.string(card.noteGUID)
        out.raw(",")
        out.newline(indent: 10)
        out.raw("\"ordinal\": ")
        out.int(Int64(card.ordinal))
        out.raw(",")
        if let origin = card.origin {
            // Kept without history too: it is what lets a recipient re-import the same bank.
            out.newline(indent: 10)
            out.raw("\"origin\": ")
            writeOrigin(origin, to: &out)
            out.raw(",")
        }
        if history {
            out.newline(indent: 10)
            out.raw("\"reviews\": [")
            let range = table.start[index]..<table.start[index + 1]
            for position in range {
                if position > range.lowerBound { out.byte(UInt8(ascii: ",")) }
                let review = table.reviews[Int(table.order[position])]
                out.reviewLine(indent: 12, at: review.at, durationMS: review.durationMS, id: review.id, rating: Int(review.rating))
            }
            if !range.isEmpty { out.newline(indent: 10) }
            out.raw("],")
            out.newline(indent: 10)
            out.raw("\"state\": ")
            writeState(card.state, to: &out)
            out.raw(",")
        }
        out.newline(indent: 10)
        out.raw("\"suspended\": ")
        out.bool(card.suspended)
        out.raw(",")
        if marks.suspendedAt > card.created {
            out.newline(indent: 10)
            out.raw("\"suspended_at\": ")
            out.time(marks.suspendedAt)
            out.raw(",")
        }
        out.newline(indent: 10)
        out.raw("\"tags\": [")
        for (number, tag) in card.tags.enumerated() {
            if number > 0 { out.raw(",") }
            out.string(tag)
        }
        out.raw("]")
        out.newline(indent: 8)
        out.raw("}")
    }

    /// The state on one line, compact, members sorted, as `CardJSON.state` has them.
    /// A state, compact, members sorted. `full` adds what replay starts from in a checkpoint
    /// (`ease`, `interval_days`, `step`), which a card's `state` leaves out.
    private static func writeState<S: ByteSink>(_ state: CardState, full: Bool = false, to out: inout ByteWriter<S>) {
        out.raw("{\"difficulty\":")
        if let difficulty = state.difficulty { out.double(difficulty) } else { out.raw("null") }
        out.raw(",\"due\":")
        if let due = state.due { out.time(due) } else { out.raw("null") }
        if full {
            out.raw(",\"ease\":")
            if let ease = state.ease { out.double(ease) } else { out.raw("null") }
            out.raw(",\"interval_days\":")
            out.int(Int64(state.intervalDays))
        }
        out.raw(",\"lapses\":")
        out.int(Int64(state.lapses))
        out.raw(",\"last_review\":")
        if let last = state.lastReview { out.time(last) } else { out.raw("null") }
        out.raw(",\"phase\":")
        out.string(state.phase.rawValue)
        out.raw(",\"reps\":")
        out.int(Int64(state.reps))
        out.raw(",\"stability\":")
        if let stability = state.stability { out.double(stability) } else { out.raw("null") }
        if full {
            out.raw(",\"step\":")
            out.int(Int64(state.step))
        }
        out.raw("}")
    }

    /// The origin on one line, compact, members sorted.
    private static func writeOrigin<S: ByteSink>(_ origin: NoteOrigin, to out: inout ByteWriter<S>) {
        out.raw("{\"answer_key\":")
        out.string(origin.answerKey)
        out.raw(",\"content_key\":")
        out.string(origin.contentKey)
        out.raw(",\"file\":")
        out.string(origin.file)
        out.raw(",\"line\":")
        if let line = origin.line { out.int(Int64(line)) } else { out.raw("null") }
        out.raw(",\"question_key\":")
        out.string(origin.questionKey)
        out.raw("}")
    }

    /// Options on one line: `{"key":"value",…}`, keys sorted.
    private static func writeCompactConfig<S: ByteSink>(_ config: [String: String], to out: inout ByteWriter<S>) {
        out.raw("{")
        for (number, key) in config.keys.sorted(by: utf8Less).enumerated() {
            if number > 0 { out.raw(",") }
            out.string(key)
            out.raw(":")
            out.string(config[key] ?? "")
        }
        out.raw("}")
    }

    private static func writeConfig<S: ByteSink>(_ config: [String: String], to out: inout ByteWriter<S>) {
        if config.isEmpty {
            out.raw("{}")
            return
        }
        out.raw("{")
        let keys = config.keys.sorted(by: utf8Less)
        for (number, key) in keys.enumerated() {
            out.raw(number == 0 ? "" : ",")
            out.newline(indent: 8)
            out.string(key)
            out.raw(": ")
            out.string(config[key] ?? "")
        }
        out.newline(indent: 6)
        out.raw("}")
    }
}
