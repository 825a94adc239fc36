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

    /// The reviews of the exported cards, read in one pass along the log's key (card, time,
    /// id: the cheapest read, and already the file's order within a card), 40 bytes each.
    struct ReviewLog: Sendable {
        struct Entry: Sendable {
            var at: Millis
            var durationMS: Int64
            /// A UUID's two halves; for an id that is not one, `low` is its place in `texts`.
            var high: UInt64
            var low: UInt64
            var rating: Int8
            var isText: Bool
        }

        /// The entries, 65,536 a chunk: the log is read without counting it first, and a chunked
        /// array grows without copying what it holds (nor holding it twice meanwhile).
        private var chunks: [[Entry]] = []
        private(set) var count = 0
        var texts: [String] = []
        private static let chunkBits = 16
        /// The cards that have reviews, by id, and where each one's start in `entries`.
        var cardIDs: [Int64] = []
        var starts: [Int] = [0]

        /// No reviews (an export without history).
        init() {}

        /// The reviews of the cards `chosen` lets through (all when nil).
        init(store: Store, chosen: Set<Int64>?) throws {
            try store.forEachReview { cardID, id, at, rating, duration in
                if let chosen, !chosen.contains(cardID) { return }
                if cardIDs.last != cardID {
                    if !cardIDs.isEmpty { starts.append(count) }
                    cardIDs.append(cardID)
                }
                var entry = Entry(at: at, durationMS: duration, high: 0, low: 0, rating: Int8(truncatingIfNeeded: rating),
                                  isText: false)
                switch id {
                case let .uuid(high, low):
                    entry.high = high
                    entry.low = low
                case let .text(text):
                    entry.isText = true
                    entry.low = UInt64(texts.count)
                    texts.append(text)
                }
                if count & (1 << Self.chunkBits - 1) == 0 {
                    chunks.append([])
                    chunks[chunks.count - 1].reserveCapacity(1 << Self.chunkBits)
                }
                chunks[chunks.count - 1].append(entry)
                count += 1
            }
            if !cardIDs.isEmpty { starts.append(count) }
            // The key's order is time order; a store that a script filled may hold ids that
            // sort otherwise (a UUID kept as text), so check each card, and sort if need be.
            for card in cardIDs.indices where starts[card + 1] - starts[card] > 1 {
                let range = starts[card]..<starts[card + 1]
                let inOrder = range.dropFirst().allSatisfy { index in
                    let x = self[index - 1], y = self[index]
                    return (x.at, id(x)) < (y.at, id(y))
                }
                if !inOrder {
                    let texts = texts
                    let sorted = range.map { self[$0] }.sorted { x, y in
                        (x.at, Self.id(x, texts: texts)) < (y.at, Self.id(y, texts: texts))
                    }
                    for (index, entry) in zip(range, sorted) {
                        chunks[index >> Self.chunkBits][index & (1 << Self.chunkBits - 1)] = entry
                    }
                }
            }
        }

        /// The reviews of a few cards, given by card (one batch of an export of a large store).
        init(_ logs: [Int64: [Review]]) {
            chunks = [[]]
            for cardID in logs.keys.sorted() {
                guard let reviews = logs[cardID], !reviews.isEmpty else { continue }
                if !cardIDs.isEmpty { starts.append(count) }
                cardIDs.append(cardID)
                for review in reviews {
                    var entry = Entry(at: review.at, durationMS: review.durationMS, high: 0, low: 0,
                                      rating: Int8(truncatingIfNeeded: review.rating.rawValue), isText: false)
                    switch review.id {
                    case let .uuid(high, low):
                        entry.high = high
                        entry.low = low
                    case let .text(text):
                        entry.isText = true
                        entry.low = UInt64(texts.count)
                        texts.append(text)
                    }
                    chunks[0].append(entry)
                    count += 1
                }
            }
            if !cardIDs.isEmpty { starts.append(count) }
        }

        subscript(index: Int) -> Entry {
            chunks[index >> Self.chunkBits][index & (1 << Self.chunkBits - 1)]
        }

        func id(_ entry: Entry) -> ReviewID { Self.id(entry, texts: texts) }

        static func id(_ entry: Entry, texts: [String]) -> ReviewID {
            entry.isText ? .text(texts[Int(entry.low)]) : .uuid(entry.high, entry.low)
        }

        /// Where the reviews of card `id` are (empty when it has none).
        func range(ofCard id: Int64) -> Range<Int> {
            var low = 0
            var high = cardIDs.count
            while low < high {
                let middle = (low + high) / 2
                if cardIDs[middle] < id { low = middle + 1 } else { high = middle }
            }
            guard low < cardIDs.count, cardIDs[low] == id else { return 0..<0 }
            return starts[low]..<starts[low + 1]
        }
    }

    /// Cards in the order of the file, as the reading thread hands them to the formatting one:
    /// `decks[k]` is the number of card `k`'s deck in the file.
    struct CardBatch: Sendable {
        var cards: [SyncCard] = []
        var decks: [Int] = []
        /// The batch's reviews, when the store is too large to hold all its reviews at once.
        var reviews: ReviewLog?
    }

    /// Stores larger than this (the file) are exported with their reviews read card by card,
    /// a batch at a time, instead of in one pass held whole (40 bytes a review), and read
    /// through a small page cache instead of a memory map (whose pages count toward this
    /// process's memory): memory then stays flat however large the store.
    static let largeStoreBytes: Int64 = 256 << 20

    /// What the formatting thread needs, and what it hands back: the writer, the media it found,
    /// and its error.
    private final class Formatting<S: ByteSink>: @unchecked Sendable {
        var out: ByteWriter<S>
        let decks: [SyncDeck]
        let history: Bool
        let checkpoints: [Int64: CardCheckpoint]
        let knownMedia: [String: MediaFile]
        let reviews: ReviewLog
        /// The reviews written (a review of no exported card, which a script could leave, is not).
        var reviewsWritten = 0
        var media: [String: MediaFile] = [:]
        var error: (any Error)?

        init(out: ByteWriter<S>, decks: [SyncDeck], history: Bool, checkpoints: [Int64: CardCheckpoint],
             knownMedia: [String: MediaFile], reviews: ReviewLog) {
            self.out = out
            self.reviews = reviews
            self.decks = decks
            self.history = history
            self.checkpoints = checkpoints
            self.knownMedia = knownMedia
        }

        /// Writes the `decks` member's decks, their cards as the channel brings them.
        func run(_ channel: BoundedChannel<CardBatch>) {
            var open = -1  // the deck being written
            var written = 0  // its cards so far
            func start(upTo deck: Int) {
                while open < deck {
                    if open >= 0 { DeckExporter.writeDeckEnd(decks[open], hasCards: written > 0, to: &out) }
                    open += 1
                    out.raw(open == 0 ? "" : ",")
                    out.newline(indent: 4)
                    out.raw("{")
                    out.newline(indent: 6)
                    out.raw("\"cards\": [")
                    written = 0
                }
            }
            do {
                while let batch = channel.receive() {
                    for (index, card) in batch.cards.enumerated() {
                        start(upTo: batch.decks[index])
                        out.raw(written == 0 ? "" : ",")
                        let log = batch.reviews ?? reviews
                        let range = history ? log.range(ofCard: card.id) : 0..<0
                        reviewsWritten += range.count
                        writeCard(card, history: history, reviews: log, range: range,
                                  checkpoint: checkpoints.isEmpty ? nil : checkpoints[card.id], to: &out)
                        written += 1
                        if !knownMedia.isEmpty {
                            MediaTransfer.collect(usedBy: card.front, known: knownMedia, into: &media)
                            MediaTransfer.collect(usedBy: card.back, known: knownMedia, into: &media)
                        }
                        try out.flushIfFull()
                    }
                }
                start(upTo: decks.count - 1)
                if open >= 0 { DeckExporter.writeDeckEnd(decks[open], hasCards: written > 0, to: &out) }
            } catch {
                self.error = error
                channel.cancel()
            }
        }
    }

    /// The chosen cards' ids in the order of the file, deck by deck and by guid within a deck.
    private static func cardOrder(_ store: Store, decks: [SyncDeck]) throws -> [[Int64]] {
        var number: [Int64: Int] = [:]
        for (index, deck) in decks.enumerated() { number[deck.id] = index }
        var ids = [[Int64]](repeating: [], count: decks.count)
        for card in try store.syncCardOrder() {
            if let deck = number[card.deckID] { ids[deck].append(card.id) }
        }
        return ids
    }

    /// Reads the cards `ids` lists, deck by deck, and sends them on in batches; returns how
    /// many it sent, or nil when the formatting side stopped.
    private static func readCards(_ store: Store, ids: [[Int64]], reviewsByBatch: Bool,
                                  to channel: BoundedChannel<CardBatch>) throws -> Int? {
        let cursor = try store.syncCardCursor()
        var cards = 0
        for (deck, members) in ids.enumerated() {
            for first in stride(from: 0, to: members.count, by: SyncCardCursor.batchSize) {
                var batch = CardBatch()
                batch.cards = try cursor.cards(members[first..<min(first + SyncCardCursor.batchSize, members.count)])
                batch.decks = [Int](repeating: deck, count: batch.cards.count)
                if reviewsByBatch { batch.reviews = ReviewLog(try store.syncReviews(ofCards: batch.cards.map(\.id))) }
                cards += batch.cards.count
                guard batch.cards.isEmpty || channel.send(batch) else { return nil }
            }
        }
        return cards
    }

    @discardableResult
    static func write<S: ByteSink>(_ store: Store, _ selection: Selection, to out: inout ByteWriter<S>) throws -> Counts {
        var counts = Counts()
        let large = try store.fileBytes() > largeStoreBytes
        if large { try store.prepareForBulkWork(cacheMegabytes: 16) } else { try store.prepareForBulkReading() }
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
        // Imported Anki cards' checkpoints (history only: without it every card starts new).
        let checkpoints = selection.history ? try store.checkpoints() : [:]
        let known = try store.allMedia()
        let knownByName = Dictionary(known.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        // By name, then id: two decks may share a name.
        let decks = chosen.sorted { $0.name != $1.name ? utf8Less($0.name, $1.name) : utf8Less($0.guid, $1.guid) }

        out.raw("{")
        out.newline(indent: 2)
        out.raw("\"decks\": [")
        let ids = try cardOrder(store, decks: decks)
        let reviews: ReviewLog
        if selection.history && !large {
            let chosenCards = selection.decks.isEmpty ? nil : Set(ids.joined())
            reviews = try ReviewLog(store: store, chosen: chosenCards)
        } else {
            reviews = ReviewLog()
        }
        // Two threads: this one reads the cards (the store's connection stays on it), the other
        // writes them as they come, a thousand at a time, so that memory holds only the batches
        // in flight besides the reviews.
        let formatting = Formatting(out: out, decks: decks, history: selection.history, checkpoints: checkpoints,
                                    knownMedia: knownByName, reviews: reviews)
        let channel = BoundedChannel<CardBatch>(capacity: 4)
        let formatter = WorkerThread(name: "recall export") { formatting.run(channel) }
        let read: Int?
        do {
            read = try readCards(store, ids: ids, reviewsByBatch: selection.history && large, to: channel)
            channel.close()
        } catch {
            channel.cancel()
            formatter.wait()
            out = formatting.out
            throw error
        }
        formatter.wait()
        out = formatting.out
        if let error = formatting.error { throw error }
        guard let read else { throw SyncError.cannotWrite(file: "the export", reason: "stopped") }
        counts.cards = read
        counts.reviews = formatting.reviewsWritten
        counts.media = MediaTransfer.sorted(formatting.media)

        if !decks.isEmpty { out.newline(indent: 2) }
        out.raw("],")
        out.newline(indent: 2)
        out.raw("\"format\": \"recall-deck\",")
        out.newline(indent: 2)
        // The media the cards use, when there are any: a file without pictures is as before.
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
        return counts
    }

    /// `name` is `deck` or one of its sub-decks (`deck::child`).
    static func isDeck(_ name: String, within deck: String) -> Bool {
        name == deck || name.hasPrefix(deck + "::")
    }

    /// The members of a deck after its cards (`hasCards`: whether any were written).
    fileprivate static func writeDeckEnd<S: ByteSink>(_ deck: SyncDeck, hasCards: Bool, to out: inout ByteWriter<S>) {
        if hasCards { out.newline(indent: 6) }
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

    fileprivate static func writeCard<S: ByteSink>(
        _ card: borrowing SyncCard, history: Bool, reviews: ReviewLog, range: Range<Int>, checkpoint: CardCheckpoint? = nil,
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
            for index in range {
                if index > range.lowerBound { out.byte(UInt8(ascii: ",")) }
                let review = reviews[index]
                if review.isText {
                    out.reviewLine(indent: 12, at: review.at, durationMS: review.durationMS, id: reviews.id(review),
                                   rating: Int(review.rating))
                } else {
                    out.reviewLine(indent: 12, at: review.at, durationMS: review.durationMS, uuid: (review.high, review.low),
                                   rating: Int(review.rating))
                }
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
    fileprivate static func writeState<S: ByteSink>(_ state: CardState, full: Bool = false, to out: inout ByteWriter<S>) {
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
    fileprivate static func writeOrigin<S: ByteSink>(_ origin: NoteOrigin, to out: inout ByteWriter<S>) {
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

    fileprivate static func writeConfig<S: ByteSink>(_ config: [String: String], to out: inout ByteWriter<S>) {
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
