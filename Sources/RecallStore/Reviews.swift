import Foundation
import RecallModel
import RecallScheduler

/// What one answer did, for the CLI to report and for undo.
public struct AnswerResult: Sendable, Equatable {
    public var card: CardRecord
    public var rating: Rating
    public var reviewID: String
    /// When the answer was logged: the time asked for, or later (`Store.answerTime(forCard:now:)`).
    public var at: Millis
    public var after: CardState
    public var becameLeech: Bool
    public var buriedSiblings: [Int64]
    /// The interval the answer gave, in ms: learning delay or review days (see `Scheduler.shownInterval`).
    public var interval: Millis
}

/// What an undo took back.
public struct UndoResult: Sendable, Equatable {
    public var cardID: Int64
    public var rating: Rating
    public var restored: CardState
}

/// A card whose stored state is not what its review log replays to.
public struct ReplayMismatch: Sendable, Equatable {
    public var cardID: Int64
    public var stored: CardState
    public var replayed: CardState
}

/// The fuzz seed of a card: its global id read as a number, so that a replay on any machine
/// fuzzes exactly as the original answer did.
public func fuzzSeed(forGUID guid: String) -> UInt64 {
    if let value = UInt64(guid, radix: 16) { return value }
    // FNV-1a for ids that are not hex (never produced by recall, but possible in a hand-made file).
    return guid.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// A UUIDv7: 48 bits of Unix milliseconds, then random bits. Unique across machines and
/// ordered by time, so review ids sort the way reviews happened.
public func makeReviewID(at millis: Millis) -> String {
    var generator = SystemRandomNumberGenerator()
    var bytes = [UInt8](repeating: 0, count: 16)
    let time = UInt64(max(0, millis))
    for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: time >> (8 * (5 - index))) }
    for index in 6..<16 { bytes[index] = generator.next() }
    bytes[6] = 0x70 | (bytes[6] & 0x0F)
    bytes[8] = 0x80 | (bytes[8] & 0x3F)
    let hex = bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    let characters = Array(hex)
    return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
}

extension Store {
    static let stateColumns = "phase, due, stability, difficulty, reps, lapses, last_review, step, interval_days, ease"

    static func stateValues(_ state: CardState) -> [SQLValue] {
        [.text(state.phase.rawValue), state.due.map { .integer($0) } ?? .null,
         state.stability.map { .real($0) } ?? .null, state.difficulty.map { .real($0) } ?? .null,
         .integer(Int64(state.reps)), .integer(Int64(state.lapses)), state.lastReview.map { .integer($0) } ?? .null,
         .integer(Int64(state.step)), .integer(Int64(state.intervalDays)), state.ease.map { .real($0) } ?? .null]
    }

    func writeState(_ state: CardState, cardID: Int64) throws(StoreError) {
        try db.run(
            """
            UPDATE cards SET phase = ?, due = ?, stability = ?, difficulty = ?, reps = ?, lapses = ?, last_review = ?,
                             step = ?, interval_days = ?, ease = ?
            WHERE id = ?
            """, Self.stateValues(state) + [.integer(cardID)])
    }

    /// A scheduler for a deck, with the store's day clock.
    public func scheduler(forDeckID deckID: Int64, timeZone: TimeZone) throws -> Scheduler {
        let options = try options(forDeckID: deckID)
        return try Scheduler(options: options, clock: DayClock(timeZone: timeZone, rolloverHour: options.rolloverHour))
    }

    /// Answers a card: appends one review-log row (with the state before, for undo) and updates
    /// the card. Call inside `write { }` so both land together (DESIGN.md invariant 3).
    ///
    /// A suspended card is refused (`StoreError.cardSuspended`): it is out of every queue, so an
    /// answer to it is a mistake (a stale id in a script, or a card suspended by another recall
    /// while it was on screen), and unsuspending it is one command away.
    ///
    /// The answer is logged at `answerTime(forCard:now:)`, never before the card's latest logged
    /// review; see there for why it is clamped rather than refused.
    public func answer(
        cardID: Int64, rating: Rating, durationMS: Int64, now requested: Millis, timeZone: TimeZone
    ) throws -> AnswerResult {
        let card = try requireCard(cardID)
        guard !card.suspended else { throw StoreError.cardSuspended(cardID) }
        let now = try answerTime(forCard: cardID, now: requested)
        let scheduler = try scheduler(forDeckID: card.deckID, timeZone: timeZone)
        let outcome = scheduler.answer(card.state, rating: rating, at: now, fuzzSeed: fuzzSeed(forGUID: card.guid))
        let today = scheduler.clock.dayNumber(at: now)
        var suspended = card.suspended
        var previousTags: String?
        if outcome.becameLeech {
            previousTags = Tags.encode(card.tags)
            try db.run("UPDATE notes SET tags = ? WHERE id = ?", [.text(Tags.encode(card.tags + ["leech"])), .integer(card.noteID)])
            if scheduler.options.leechAction == .suspend {
                suspended = true
                try db.run("UPDATE cards SET suspended = 1, suspended_at = ? WHERE id = ?", [.integer(now), .integer(cardID)])
            }
        }
        var buried: [Int64] = []
        if scheduler.options.burySiblings {
            buried = try db.rows(
                """
                SELECT id FROM cards WHERE note_id = ? AND id != ? AND suspended = 0
                   AND phase IN ('new', 'review') AND coalesce(buried_until, -1) < ?
                """, [.integer(card.noteID), .integer(cardID), .integer(Int64(today))]) { $0.int64Value(0) }
            for sibling in buried {
                try db.run("UPDATE cards SET buried_until = ?, buried_at = ? WHERE id = ?",
                           [.integer(Int64(today)), .integer(now), .integer(sibling)])
            }
        }
        let reviewID = makeReviewID(at: now)
        let insert = try db.prepare(
            """
            INSERT INTO review_log(card_id, reviewed_at, id, rating, duration_ms, prev_phase, prev_stability, prev_interval_days)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try insert.bind(int: cardID, at: 1)
        try insert.bind(int: now, at: 2)
        try insert.bind(reviewID: ReviewID(reviewID), at: 3)
        try insert.bind(int: Int64(rating.rawValue), at: 4)
        try insert.bind(int: max(0, durationMS), at: 5)
        try insert.bind(text: card.state.phase.rawValue, at: 6)
        try insert.bind(optionalDouble: card.state.stability, at: 7)
        try insert.bind(int: Int64(card.state.intervalDays), at: 8)
        try insert.runAndReset()
        // Undo's record of the card before the answer. Its number is above every one already
        // published, even when the rows that had them are gone since: undo refuses at or below.
        let used = try db.scalarInt("SELECT seq FROM sqlite_sequence WHERE name = 'review_undo'") ?? 0
        let seq = max(used, try publishedReviewRowid()) + 1
        let undo = try db.prepare(
            """
            INSERT INTO review_undo(seq, review_id, card_id, prev_phase, prev_due, prev_stability, prev_difficulty,
                prev_reps, prev_lapses, prev_last_review, prev_step, prev_interval_days, prev_ease, prev_suspended,
                prev_tags, buried_siblings)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try undo.bind(int: seq, at: 1)
        try undo.bind(reviewID: ReviewID(reviewID), at: 2)
        try undo.bind(int: cardID, at: 3)
        try bindState(card.state, to: undo, from: 4)
        try undo.bind(int: card.suspended ? 1 : 0, at: 14)
        try undo.bind(optionalText: previousTags, at: 15)
        try undo.bind(optionalText: buried.isEmpty ? nil : buried.map(String.init).joined(separator: " "), at: 16)
        try undo.runAndReset()
        try writeState(outcome.state, cardID: cardID)
        var after = card
        after.state = outcome.state
        after.suspended = suspended
        return AnswerResult(
            card: after, rating: rating, reviewID: reviewID, at: now, after: outcome.state, becameLeech: outcome.becameLeech,
            buriedSiblings: buried, interval: scheduler.shownInterval(of: outcome, at: now))
    }

    /// The time an answer given at `now` is logged at: `now`, or one millisecond after the card's
    /// latest logged review when `now` is not later than it (a clock set back, a machine whose
    /// clock lags the one a synced review came from, or `RECALL_NOW` in the past).
    ///
    /// Replay orders a card's log by time, then by review id (DESIGN.md invariant 1). An answer
    /// logged before an earlier-given one would replay in the wrong order and the stored state
    /// would no longer be the replay of the log. Logging it at the same millisecond is not enough
    /// either: the ids' random bits would then decide the order. Clamping keeps the log the truth
    /// (the answer replays last, as it happened, counted as a same-day review) and keeps the
    /// answer the person gave, which refusing would lose to a clock they may not control.
    public func answerTime(forCard cardID: Int64, now: Millis) throws(StoreError) -> Millis {
        let latest = try db.scalarInt("SELECT max(reviewed_at) FROM review_log WHERE card_id = ?", [.integer(cardID)])
        guard let latest, now <= latest else { return now }
        return latest + 1
    }

    /// The settings key holding the largest undo number (`review_undo.seq`; before schema 6,
    /// the review log's rowid, which migration 6 made the undo numbers) of an answer that a deck
    /// file written by this store holds (`recordPublishedAnswers(inDecks:)`).
    static let publishedReviewKey = "published_review_rowid"

    /// The largest undo number of an answer this store wrote into a deck file; 0 when none.
    func publishedReviewRowid() throws(StoreError) -> Int64 {
        try setting(Self.publishedReviewKey).flatMap { Int64($0) } ?? 0
    }

    /// Records that the reviews of `decks` (each with its sub-decks; empty for every deck) are in
    /// a deck file just written (`recall sync`, `recall export` with history, to a file or to
    /// standard output). Another store may merge them from it, and a sync would then bring an
    /// undone one back (the merge is a union of logs, DESIGN.md invariant 4), so
    /// `undoLastAnswer` refuses them from now on. Their undo records are dropped but the newest,
    /// which lets undo say what it refuses.
    ///
    /// Kept as one number, the largest, which only grows: called after the file is written, it
    /// may also cover an answer given meanwhile by another recall, or one in another deck,
    /// whose undo is then refused too (refusing is the safe side). One statement sets it, so two
    /// exports at once cannot lower it.
    public func recordPublishedAnswers(inDecks decks: [String]) throws(StoreError) {
        var sql = "SELECT max(u.seq) AS newest FROM review_undo u"
        var values: [SQLValue] = [.text(Self.publishedReviewKey)]
        if !decks.isEmpty {
            sql += " JOIN cards c ON c.id = u.card_id JOIN decks d ON d.id = c.deck_id WHERE "
                + decks.map { _ in "(d.name = ? OR substr(d.name, 1, length(?)) = ?)" }.joined(separator: " OR ")
            for deck in decks { values += [.text(deck), .text(deck + "::"), .text(deck + "::")] }
        }
        try db.run(
            """
            INSERT INTO settings(key, value)
            SELECT ?, CAST(newest AS TEXT) FROM (\(sql)) WHERE newest IS NOT NULL
            ON CONFLICT(key) DO UPDATE SET value = excluded.value
            WHERE CAST(settings.value AS INTEGER) < CAST(excluded.value AS INTEGER)
            """, values)
        try db.run("DELETE FROM review_undo WHERE seq < (SELECT max(seq) FROM review_undo WHERE seq <= ?)",
                   [.integer(try publishedReviewRowid())])
    }

    /// Takes back the latest answer given in this store: restores the card exactly as it was
    /// (state, suspension, tags, buried siblings) and deletes the log row. Nil when there is none.
    ///
    /// An answer already written into a deck file (`recordPublishedAnswers(inDecks:)`) is refused
    /// with `StoreError.answerPublished`, and nothing changes: other stores may have it, and the
    /// next sync would bring it back.
    public func undoLastAnswer() throws(StoreError) -> UndoResult? {
        guard let row = try db.row(
            """
            SELECT u.seq, u.card_id, r.rating, u.prev_phase, u.prev_due, u.prev_stability, u.prev_difficulty, u.prev_reps,
                   u.prev_lapses, u.prev_last_review, u.prev_step, u.prev_interval_days, u.prev_ease, u.prev_suspended,
                   u.prev_tags, u.buried_siblings
            FROM review_undo u JOIN review_log r ON r.id = u.review_id AND r.card_id = u.card_id
            ORDER BY u.seq DESC LIMIT 1
            """, [], { row in
                (seq: row.int64Value(0), cardID: row.int64Value(1), rating: Rating(rawValue: row.intValue(2)) ?? .again,
                 state: Self.readState(row, from: 3), suspended: row.intValue(13) != 0, tags: row.text(14),
                 buried: row.text(15))
            })
        else { return nil }
        guard row.seq > (try publishedReviewRowid()) else {
            throw StoreError.answerPublished(cardID: row.cardID, rating: row.rating)
        }
        try writeState(row.state, cardID: row.cardID)
        try db.run("UPDATE cards SET suspended = ? WHERE id = ?", [.integer(row.suspended ? 1 : 0), .integer(row.cardID)])
        if let tags = row.tags {
            try db.run("UPDATE notes SET tags = ? WHERE id = (SELECT note_id FROM cards WHERE id = ?)", [.text(tags), .integer(row.cardID)])
        }
        for sibling in (row.buried ?? "").split(separator: " ").compactMap({ Int64($0) }) {
            try db.run("UPDATE cards SET buried_until = NULL WHERE id = ?", [.integer(sibling)])
        }
        try db.run(
            "DELETE FROM review_log WHERE card_id = ?1 AND id = (SELECT review_id FROM review_undo WHERE seq = ?2)",
            [.integer(row.cardID), .integer(row.seq)])
        try db.run("DELETE FROM review_undo WHERE seq = ?", [.integer(row.seq)])
        return UndoResult(cardID: row.cardID, rating: row.rating, restored: row.state)
    }

    /// Replays every card's review log and returns the cards whose stored state differs
    /// (DESIGN.md invariant 1). With `fix`, the replayed state is written over the stored one.
    /// A due date kept by `recall optimize` is not a difference (`Store.expectedState`).
    /// `only`, when given, limits the check to those cards (a command that changed a few).
    public func checkReplay(timeZone: TimeZone, fix: Bool, only: [Int64]? = nil) throws -> [ReplayMismatch] {
        var schedulers: [Int64: Scheduler] = [:]
        var logs: [Int64: [(at: Millis, rating: Rating)]] = [:]
        if let only {
            for (id, reviews) in try syncReviews(ofCards: only) { logs[id] = reviews.map { ($0.at, $0.rating) } }
        } else {
            let statement = try db.prepare("SELECT card_id, reviewed_at, rating FROM review_log ORDER BY card_id, reviewed_at, id")
            while try statement.step() {
                logs[statement.int64Value(0), default: []].append(
                    (statement.int64Value(1), Rating(rawValue: statement.intValue(2)) ?? .again))
            }
        }
        func card(_ row: Statement) -> (id: Int64, guid: String, deckID: Int64, state: CardState) {
            (id: row.int64Value(0), guid: row.textValue(1), deckID: row.int64Value(2), state: Self.readState(row, from: 3))
        }
        let columns = "SELECT id, guid, deck_id, \(Self.stateColumns) FROM cards"
        var cards: [(id: Int64, guid: String, deckID: Int64, state: CardState)] = []
        if let only {
            // A few cards: each by its id, not a read of every card.
            for id in Self.once(only).sorted() {
                if let found = try db.row(columns + " WHERE id = ?", [.integer(id)], card) { cards.append(found) }
            }
        } else {
            cards = try db.rows(columns + " ORDER BY id", [], card)
        }
        var mismatches: [ReplayMismatch] = []
        let keptBefore = try dueKeptBefore()  // due dates kept by `recall optimize` (Optimization.swift)
        // Cards whose replay starts from a known state (an imported Anki card's; Checkpoints.swift).
        let checkpoints = try self.checkpoints(ofCards: only.map { Self.once($0) })
        for card in cards {
            let scheduler: Scheduler
            if let cached = schedulers[card.deckID] {
                scheduler = cached
            } else {
                scheduler = try self.scheduler(forDeckID: card.deckID, timeZone: timeZone)
                schedulers[card.deckID] = scheduler
            }
            let replayed = Self.expectedState(
                replayed: scheduler.replay(logs[card.id] ?? [], checkpoint: checkpoints[card.id], fuzzSeed: fuzzSeed(forGUID: card.guid)),
                stored: card.state, keptBefore: keptBefore)
            if replayed != card.state {
                mismatches.append(ReplayMismatch(cardID: card.id, stored: card.state, replayed: replayed))
                if fix { try writeState(replayed, cardID: card.id) }
            }
        }
        return mismatches
    }
}
