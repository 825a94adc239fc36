import Foundation
import RecallModel
import RecallScheduler

/// One Anki card as `recall import FILE.apkg` stores it: a recall note of its own (kind basic,
/// the card's rendered front and back) with one card, the Anki note it came from
/// (`anki_notes`, `anki_cards`), its review history and the state Anki gave it.
public struct AnkiCardImport: Sendable, Equatable {
    /// The Anki note's GUID and the card's `ord`: the card's identity across re-imports.
    public var guid: String
    public var ordinal: Int
    public var deck: String
    public var front: String
    public var back: String
    public var tags: [String]
    /// `anki_notes` columns (Migrations/0005_anki_media.sql): the note type as JSON, the raw
    /// fields joined by U+001F, the note's tags as Anki spells them, its modification time (ms).
    public var noteType: String
    public var fields: String
    public var ankiTags: String
    public var noteModified: Millis
    /// The card's answers (revlog types 0-3), in log order, with ids that a re-import gives again.
    public var reviews: [Review]
    /// The state Anki shows for the card, and the moment it holds from (at or after every revlog
    /// row of the card): the checkpoint when it is not the replay of `reviews`.
    public var state: CardState
    public var stateAt: Millis
    public var suspended: Bool
    /// Anki's flag colour (0 none, 1-7); recall has one flag, set for any colour. The colour is
    /// kept in `anki_cards.flag` for an export back to Anki.
    public var flag: Int
    public var buried: Bool

    /// recall's flag for the card: 1 for any Anki colour.
    var recallFlag: Int { flag == 0 ? 0 : 1 }

    public init(guid: String, ordinal: Int, deck: String, front: String, back: String, tags: [String], noteType: String,
                fields: String, ankiTags: String, noteModified: Millis, reviews: [Review], state: CardState, stateAt: Millis,
                suspended: Bool, flag: Int, buried: Bool) {
        self.guid = guid
        self.ordinal = ordinal
        self.deck = deck
        self.front = front
        self.back = back
        self.tags = tags
        self.noteType = noteType
        self.fields = fields
        self.ankiTags = ankiTags
        self.noteModified = noteModified
        self.reviews = reviews
        self.state = state
        self.stateAt = stateAt
        self.suspended = suspended
        self.flag = flag
        self.buried = buried
    }
}

/// What an Anki import changed (or, planned with `dryRun`, would change).
public struct AnkiImportCounts: Sendable, Equatable {
    public var notesAdded = 0
    public var notesUpdated = 0
    public var notesUnchanged = 0
    public var reviewsAdded = 0
    public var decksAdded: [String] = []
    /// Cards whose state this import recorded as a checkpoint (not the replay of their log).
    public var checkpoints = 0
    /// Deck options that did not fit recall's ranges and were left at recall's values.
    public var warnings: [String] = []

    public init() {}
}

extension Store {
    /// Stores the cards of an Anki package; call inside `write { }` (one import, one transaction).
    ///
    /// A card already imported (same GUID and `ord`, `anki_cards`) is updated in place and keeps
    /// its id and progress: its text and tags follow the package, reviews it lacks are added by
    /// id (none doubled), and when the package's state is newer than anything the card has here,
    /// that state (with suspension, flag and burying) becomes the card's. Otherwise the card's
    /// state is the replay of its log from its checkpoint. Nothing is written for a card that
    /// did not change, so importing an unchanged package changes nothing.
    ///
    /// `deckOptions` (recall `config` keys and values by deck name) are set on decks this import
    /// creates, not on decks that exist: a re-import does not undo options set since.
    public func applyAnkiImport(
        _ imports: [AnkiCardImport], deckOptions: [String: [String: String]], timeZone: TimeZone, now: Millis,
        dryRun: Bool = false, phase: (String) -> Void = { _ in }
    ) throws -> AnkiImportCounts {
        var counts = AnkiImportCounts()
        let clock = try dayClock(timeZone: timeZone)
        let today = clock.dayNumber(at: now)

        // Cards imported before, by GUID and ordinal.
        var known: [String: (noteID: Int64, cardID: Int64)] = [:]
        let knownRows = try db.rows(
            "SELECT ac.guid, ac.ordinal, ac.note_id, c.id FROM anki_cards ac JOIN cards c ON c.note_id = ac.note_id", []) {
            (key: $0.textValue(0) + "\u{1f}" + String($0.intValue(1)), noteID: $0.int64Value(2), cardID: $0.int64Value(3))
        }
        for row in knownRows { known[row.key] = (row.noteID, row.cardID) }

        // Decks of the new cards (cards imported before stay where they are), parents first,
        // each new one with its Anki options.
        var deckIDs: [String: Int64] = [:]
        var wanted = Set<String>()
        for card in imports where known[card.guid + "\u{1f}" + String(card.ordinal)] == nil {
            let parts = card.deck.components(separatedBy: "::")
            for count in 1...max(parts.count, 1) { wanted.insert(parts.prefix(count).joined(separator: "::")) }
        }
        for name in wanted.sorted() {
            if let deck = try deck(named: name) {
                deckIDs[name] = deck.id
                continue
            }
            counts.decksAdded.append(name)
            if dryRun { continue }
            deckIDs[name] = try ensureDeck(name, now: now).id
            for (key, value) in (deckOptions[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                do {
                    try setOption(key, to: value, deck: name, now: now)
                } catch {
                    counts.warnings.append("deck \"\(name)\": Anki's \(key) \(value) is not used (\(error))")
                }
            }
        }

        let existingCards = imports.compactMap { known[$0.guid + "\u{1f}" + String($0.ordinal)]?.cardID }
        let checkpoints = try self.checkpoints(ofCards: existingCards)
        let existingLogs = try syncReviews(ofCards: existingCards)

        var schedulers: [Int64: Scheduler] = [:]
        func scheduler(_ deckID: Int64?) throws -> Scheduler {
            let key = deckID ?? -1
            if let cached = schedulers[key] { return cached }
            let made = try Scheduler(options: try options(forDeckID: deckID), clock: clock)
            schedulers[key] = made
            return made
        }

        let writer = try SyncWriter(store: self)
        let newCount = imports.count - existingCards.count
        if !dryRun {
            try writer.beginNewNotes(count: newCount)
            try writer.beginNewReviews(count: imports.reduce(0) { $0 + $1.reviews.count })
        }
        var laterCheckpoints: [(cardID: Int64, checkpoint: CardCheckpoint?)] = []
        var laterLinks: [(noteID: Int64, card: AnkiCardImport)] = []
        let noteRow = try db.prepare(
            "SELECT n.front, n.back, n.tags, n.deck_id, c.guid, \(Self.stateColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")), c.suspended, c.flag, c.buried_until, c.deck_id FROM notes n JOIN cards c ON c.note_id = n.id WHERE c.id = ?")

        // Whether an id is taken, asked once per new note and card: prepared once.
        let guidTakenSQL = "SELECT (SELECT count(*) FROM %@ WHERE guid = ?1) + (SELECT count(*) FROM tombstones WHERE kind = ?2 AND id = ?1)"
        let noteGUIDTaken = try db.prepare(guidTakenSQL.replacingOccurrences(of: "%@", with: "notes"))
        let cardGUIDTaken = try db.prepare(guidTakenSQL.replacingOccurrences(of: "%@", with: "cards"))
        // Into a store with no notes, cards or their tombstones, an id can only be taken by this
        // import: the ones it gave are remembered, and the store is not asked.
        let storeHadNoIDs = try db.scalarInt(
            """
            SELECT NOT (EXISTS (SELECT 1 FROM notes) OR EXISTS (SELECT 1 FROM cards)
                        OR EXISTS (SELECT 1 FROM tombstones WHERE kind IN ('note', 'card')))
            """) == 1
        var givenNoteGUIDs = Set<String>(), givenCardGUIDs = Set<String>()
        for card in imports {
            let deckID = deckIDs[card.deck]
            if let existing = known[card.guid + "\u{1f}" + String(card.ordinal)] {
                try noteRow.bind(int: existing.cardID, at: 1)
                guard try noteRow.step() else { noteRow.reset(); continue }
                let front = noteRow.textValue(0), back = noteRow.textValue(1), tags = noteRow.textValue(2)
                let noteDeck = noteRow.int64Value(3), cardGUID = noteRow.textValue(4)
                let stored = Self.readState(noteRow, from: 5)
                let suspended = noteRow.intValue(15) != 0, flag = noteRow.intValue(16), buriedUntil = noteRow.int64(17)
                let scheduler = try scheduler(noteRow.int64Value(18))  // the card's deck, wherever it was moved
                noteRow.reset()
                var changed = false
                if front != card.front || back != card.back || tags != Tags.encode(card.tags) {
                    changed = true
                    if !dryRun {
                        try writer.updateNote(id: existing.noteID, deckID: noteDeck, kind: .basic, front: card.front, back: card.back,
                                              tags: card.tags, modified: now, origin: nil)
                    }
                }
                let log = existingLogs[existing.cardID] ?? []
                let have = Set(log.map(\.id))
                let added = card.reviews.filter { !have.contains($0.id) }
                let merged = (log + added).sorted(by: Review.logOrder)
                let mergedAnswers = merged.map { (at: $0.at, rating: $0.rating) }
                let oldCheckpoint = checkpoints[existing.cardID]
                let packageIsNewer = card.stateAt > (oldCheckpoint?.at ?? .min) && card.stateAt >= (log.last?.at ?? .min)
                var checkpoint = oldCheckpoint
                var state: CardState
                if packageIsNewer {
                    let replayed = scheduler.replay(mergedAnswers, fuzzSeed: fuzzSeed(forGUID: cardGUID))
                    checkpoint = replayed == card.state ? nil : CardCheckpoint(at: card.stateAt, state: card.state)
                    state = card.state
                } else {
                    state = scheduler.replay(mergedAnswers, checkpoint: checkpoint, fuzzSeed: fuzzSeed(forGUID: cardGUID))
                }
                if !added.isEmpty {
                    changed = true
                    counts.reviewsAdded += added.count
                    if !dryRun {
                        _ = try insertReviews(added, all: merged, cardID: existing.cardID, guid: cardGUID, scheduler: scheduler,
                                              writer: writer)
                    }
                }
                if checkpoint != oldCheckpoint {
                    changed = true
                    if !dryRun { laterCheckpoints.append((existing.cardID, checkpoint)) }
                }
                if state != stored {
                    changed = true
                    if !dryRun { try writer.setState(state, cardID: existing.cardID) }
                }
                if packageIsNewer {
                    let buried = card.buried ? Int64(today) : nil
                    let buriedNow = buriedUntil.map { $0 >= Int64(today) } ?? false
                    if suspended != card.suspended || flag != card.recallFlag || buriedNow != card.buried {
                        changed = true
                        if !dryRun {
                            try writer.flush()
                            try db.run(
                                """
                                UPDATE cards SET suspended = ?1, suspended_at = CASE WHEN suspended = ?1 THEN suspended_at ELSE ?4 END,
                                                 flag = ?2, flagged_at = CASE WHEN flag = ?2 THEN flagged_at ELSE ?4 END,
                                                 buried_until = ?3, buried_at = ?4
                                WHERE id = ?5
                                """,
                                [.integer(card.suspended ? 1 : 0), .integer(Int64(card.recallFlag)), buried.map { .integer($0) } ?? .null,
                                 .integer(now), .integer(existing.cardID)])
                        }
                    }
                }
                if !dryRun { laterLinks.append((existing.noteID, card)) }
                if changed { counts.notesUpdated += 1 } else { counts.notesUnchanged += 1 }
                if checkpoint != nil, checkpoint != oldCheckpoint { counts.checkpoints += 1 }
                continue
            }
            counts.notesAdded += 1
            counts.reviewsAdded += card.reviews.count
            let scheduler = try scheduler(deckID)
            let noteGUID = try freeGUID("anki-note", card, kind: "note", taken: storeHadNoIDs ? nil : noteGUIDTaken,
                                        given: &givenNoteGUIDs)
            let cardGUID = try freeGUID("anki-card", card, kind: "card", taken: storeHadNoIDs ? nil : cardGUIDTaken,
                                        given: &givenCardGUIDs)
            guard !dryRun, let deckID else {
                // Nothing is written: the replay alone says whether Anki's state needs a checkpoint.
                let replayed = scheduler.replay(card.reviews.map { (at: $0.at, rating: $0.rating) },
                                                fuzzSeed: fuzzSeed(forGUID: cardGUID))
                if replayed != card.state { counts.checkpoints += 1 }
                continue
            }
            let noteID = try writer.insertNote(guid: noteGUID, deckID: deckID, kind: .basic, front: card.front, back: card.back,
                                               tags: card.tags, created: now, modified: now, origin: nil)
            let cardID = writer.reserveCardID()
            let marks = CardMarks(suspended: card.suspended, suspendedAt: now, flag: card.recallFlag, flaggedAt: now,
                                  buriedUntil: card.buried ? today : nil, buriedAt: now)
            try writer.insertCard(id: cardID, cardGUID, noteID: noteID, deckID: deckID, ordinal: 1, created: now, modified: now,
                                  moved: now, marks: marks, state: card.state)
            // The replay that gives each review its state before also says where the log leads.
            let replayed = try insertReviews(card.reviews, all: card.reviews, cardID: cardID, guid: cardGUID,
                                             scheduler: scheduler, writer: writer)
            if replayed != card.state {
                counts.checkpoints += 1
                laterCheckpoints.append((cardID, CardCheckpoint(at: card.stateAt, state: card.state)))
            }
            laterLinks.append((noteID, card))
        }
        guard !dryRun else { return counts }
        try writer.flush()
        phase("write notes, cards and reviews")
        try writer.endNewNotes()
        phase("index notes for search")
        try writer.endNewReviews()
        phase("build the indexes")
        try setCheckpoints(laterCheckpoints)
        // The Anki notes behind the cards, for `recall export --anki` and the next re-import.
        let note = try db.prepare(
            """
            INSERT INTO anki_notes(guid, note_type, fields, tags, modified) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(guid) DO UPDATE SET note_type = ?2, fields = ?3, tags = ?4, modified = ?5
            WHERE note_type != ?2 OR fields != ?3 OR tags != ?4 OR modified != ?5
            """)
        let link = try db.prepare(
            """
            INSERT INTO anki_cards(note_id, guid, ordinal, flag) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT(note_id) DO UPDATE SET flag = ?4 WHERE flag != ?4
            """)
        var notesDone = Set<String>()
        for (noteID, card) in laterLinks {
            if notesDone.insert(card.guid).inserted {
                try note.bind(text: card.guid, at: 1)
                try note.bind(text: card.noteType, at: 2)
                try note.bind(text: card.fields, at: 3)
                try note.bind(text: card.ankiTags, at: 4)
                try note.bind(int: card.noteModified, at: 5)
                try note.runAndReset()
            }
            try link.bind(int: noteID, at: 1)
            try link.bind(text: card.guid, at: 2)
            try link.bind(int: Int64(card.ordinal), at: 3)
            try link.bind(int: Int64(card.flag), at: 4)
            try link.runAndReset()
        }
        phase("checkpoints and Anki notes")
        return counts
    }

    /// Queues `reviews` (part of a card's whole log `all`, in log order) with the state replay
    /// had before each as their undo columns; returns the state the whole log replays to.
    private func insertReviews(_ reviews: [Review], all: [Review], cardID: Int64, guid: String, scheduler: Scheduler,
                               writer: SyncWriter) throws -> CardState {
        guard !reviews.isEmpty else { return scheduler.replay(all.map { (at: $0.at, rating: $0.rating) }, fuzzSeed: fuzzSeed(forGUID: guid)) }
        // A new card's reviews are its whole log: no set to look them up in.
        let wanted: Set<ReviewID> = reviews.count == all.count ? [] : Set(reviews.map(\.id))
        var state = CardState.new
        let seed = fuzzSeed(forGUID: guid)
        for review in all {
            if wanted.isEmpty || wanted.contains(review.id) {
                try writer.insertReview(id: review.id, cardID: cardID, at: review.at, rating: review.rating,
                                        durationMS: review.durationMS, before: ReviewBefore(state))
            }
            state = scheduler.answer(state, rating: review.rating, at: review.at, fuzzSeed: seed).state
        }
        return state
    }

    /// The id a new note or card of an Anki card gets: made from the GUID and ordinal, so that
    /// two stores importing the same package have the same cards (a later sync meets them as
    /// one); a fresh one when the store used that id before (a card deleted since).
    /// `taken` asks the store (nil: the store had none of these ids); `given` holds the ids
    /// this import gave so far.
    private func freeGUID(_ prefix: String, _ card: AnkiCardImport, kind: String, taken: Statement?,
                          given: inout Set<String>) throws(StoreError) -> String {
        var hash = FNV64()
        hash.add(prefix + "\u{1f}" + card.guid + "\u{1f}" + String(card.ordinal))
        var guid = hash.hex
        var attempt: Int64 = 0
        func isTaken(_ guid: String) throws(StoreError) -> Bool {
            if given.contains(guid) { return true }
            guard let taken else { return false }
            defer { taken.reset() }
            try taken.bind([.text(guid), .text(kind)])
            return try taken.step() && taken.int64Value(0) > 0
        }
        while try isTaken(guid) {
            hash.add(attempt)
            hash.add(Int64(Date().timeIntervalSince1970 * 1000))
            guid = hash.hex
            attempt += 1
        }
        given.insert(guid)
        return guid
    }
}

extension Store {
    /// Every card that came from an Anki package: its Anki note GUID and `ord`, and its id here.
    public func ankiCards() throws(StoreError) -> [(guid: String, ordinal: Int, cardID: Int64)] {
        try db.rows(
            "SELECT ac.guid, ac.ordinal, c.id FROM anki_cards ac JOIN cards c ON c.note_id = ac.note_id ORDER BY ac.guid, ac.ordinal",
            []) { (guid: $0.textValue(0), ordinal: $0.intValue(1), cardID: $0.int64Value(2)) }
    }

    /// The Anki note behind imported cards, as `anki_notes` keeps it, or nil.
    public func ankiNote(guid: String) throws(StoreError) -> (noteType: String, fields: String, tags: String, modified: Millis)? {
        try db.row("SELECT note_type, fields, tags, modified FROM anki_notes WHERE guid = ?", [.text(guid)]) {
            (noteType: $0.textValue(0), fields: $0.textValue(1), tags: $0.textValue(2), modified: $0.int64Value(3))
        }
    }
}
