import Foundation
import RecallImport
import RecallModel
import RecallScheduler
import RecallStore

/// Which cards a session studies.
enum ReviewMode: Equatable {
    /// The study queue of one deck (and its sub-decks) or all decks; answers reschedule.
    case study(deck: String?)
    /// Up to `limit` cards that are not due; answers change nothing in the store.
    case cram(deck: String?, limit: Int)

    var deck: String? {
        switch self {
        case let .study(deck), let .cram(deck, _): deck
        }
    }

    var isCram: Bool {
        if case .cram = self { return true }
        return false
    }
}

/// What comes after an action: the next card, or the end of the session with when the next
/// card becomes due (nil when none will).
enum ReviewStep: Equatable {
    case card(ReviewCard)
    case finished(nextDue: Millis?)
}

/// The review session's side that touches the store, shared by the full-screen and the
/// line-by-line loops. Every write runs in its own transaction and commits before the method
/// returns, so the next card is computed (and drawn) only after the answer is on disk
/// (DESIGN.md invariant 3): a `kill -9` loses at most the card on screen.
///
/// "Now" is `clock.current()`, the one clock moved forward by real elapsed time, so learning
/// cards come due during a session even when `RECALL_NOW` fixed its start.
struct ReviewEngine {
    let store: Store
    let clock: Clock
    let mode: ReviewMode
    /// Schedulers by deck id: options are read once per deck and session, not per card.
    private var schedulers: [Int64: Scheduler] = [:]
    /// Cram only: the cards still to study, the one on screen first.
    private(set) var cramPending: [Int64] = []

    init(store: Store, clock: Clock, mode: ReviewMode) {
        self.store = store
        self.clock = clock
        self.mode = mode
    }

    private var timeZone: TimeZone { clock.timeZone }

    /// The first card. Cramming reads its list of cards here.
    mutating func start() throws -> ReviewStep {
        if case let .cram(deck, limit) = mode {
            cramPending = try store.cramCards(deck: deck, now: clock.current(), timeZone: timeZone, limit: limit)
        }
        return try next()
    }

    /// The card to show now.
    mutating func next() throws -> ReviewStep {
        let now = clock.current()
        switch mode {
        case .study(let deck):
            let queue = try store.studyQueue(deck: deck, now: now, timeZone: timeZone)
            guard let record = queue.next else { return .finished(nextDue: queue.nextDue) }
            return .card(try card(record, counts: queue.counts, now: now))
        case .cram:
            while let id = cramPending.first {
                // A card deleted or suspended elsewhere since the list was read is skipped.
                if let record = try store.card(id), !record.suspended {
                    return .card(try card(record, counts: nil, now: now))
                }
                cramPending.removeFirst()
            }
            return .finished(nextDue: nil)
        }
    }

    /// Builds what the screen shows for `record`: faces, intervals, counts.
    private mutating func card(_ record: CardRecord, counts: QueueCounts?, now: Millis) throws -> ReviewCard {
        let scheduler = try self.scheduler(deckID: record.deckID)
        let preview = scheduler.preview(record.state, at: now, fuzzSeed: fuzzSeed(forGUID: record.guid))
        var intervals: [Rating: String] = [:]
        for rating in Rating.allCases {
            intervals[rating] = formatInterval(millis: scheduler.shownInterval(of: preview[rating], at: now))
        }
        let face = CardFace.render(record)
        return ReviewCard(
            record: record, front: face.front, back: face.back, intervals: intervals, counts: counts,
            cramLeft: mode.isCram ? cramPending.count : nil)
    }

    private mutating func scheduler(deckID: Int64) throws -> Scheduler {
        if let cached = schedulers[deckID] { return cached }
        let scheduler = try store.scheduler(forDeckID: deckID, timeZone: timeZone)
        schedulers[deckID] = scheduler
        return scheduler
    }

    /// The same card read again (after an edit or a flag), with the counts it had.
    mutating func reload(_ card: ReviewCard) throws -> ReviewCard {
        let record = try store.requireCard(card.record.id)
        var fresh = try self.card(record, counts: card.counts, now: clock.current())
        fresh.cramLeft = card.cramLeft
        return fresh
    }

    /// Answers the card: one transaction, committed on return. Cramming only moves the card
    /// out of the list (an Again puts it back at the end, to be seen once more).
    mutating func answer(_ card: ReviewCard, rating: Rating, durationMS: Int64) throws -> ReviewUndo {
        let id = card.record.id
        if mode.isCram {
            let before = cramPending
            removeFromCram(id)
            if rating == .again { cramPending.append(id) }
            return .answer(cardID: id, rating: rating, durationMS: durationMS, cramPending: before)
        }
        let now = clock.current()
        _ = try store.write {
            try store.answer(cardID: id, rating: rating, durationMS: durationMS, now: now, timeZone: timeZone)
        }
        return .answer(cardID: id, rating: rating, durationMS: durationMS, cramPending: nil)
    }

    /// Suspends the card (it leaves every queue until `recall unsuspend`).
    mutating func suspend(_ card: ReviewCard) throws -> ReviewUndo {
        let id = card.record.id
        let before = mode.isCram ? cramPending : nil
        let now = clock.current()
        _ = try store.write { try store.setSuspended([id], true, now: now) }
        removeFromCram(id)
        return .suspend(cardID: id, cramPending: before)
    }

    /// Buries the card until the day rolls over.
    mutating func bury(_ card: ReviewCard) throws -> ReviewUndo {
        let id = card.record.id
        let before = mode.isCram ? cramPending : nil
        let today = try store.dayClock(timeZone: timeZone).dayNumber(at: clock.current())
        let now = clock.current()
        let previous = try store.write { try store.bury(cardID: id, untilDay: today, now: now) }
        removeFromCram(id)
        return .bury(cardID: id, previous: previous, cramPending: before)
    }

    /// Flags the card for fixing, or clears its flag; returns the card as it is now.
    mutating func toggleFlag(_ card: ReviewCard) throws -> ReviewCard {
        let flag = card.record.flag == 0 ? 1 : 0
        let now = clock.current()
        _ = try store.write { try store.setFlag(cardID: card.record.id, flag: flag, now: now) }
        return try reload(card)
    }

    /// Saves an edit made in `$EDITOR` and returns the card as it shows now.
    mutating func save(_ edited: EditorSession.Edited, to card: ReviewCard) throws -> ReviewCard {
        if edited.front.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw CLIError.emptyField("front") }
        if edited.back.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw CLIError.emptyField("back") }
        let now = clock.current()
        _ = try store.write {
            try store.editNote(ofCard: card.record.id, front: edited.front, back: edited.back, tags: edited.tags, now: now)
        }
        return try reload(card)
    }

    /// Takes back `undo` and returns the card it concerned, to be shown again with a message.
    mutating func undo(_ undo: ReviewUndo) throws -> (card: ReviewCard, message: String) {
        var message: String
        switch undo {
        case let .answer(cardID, rating, _, pending):
            if let pending {
                cramPending = pending
            } else {
                guard let undone = try store.write({ try store.undoLastAnswer() }) else {
                    throw CLIError.message("nothing to undo")
                }
                guard undone.cardID == cardID else {
                    // Another recall answered in between; what was taken back is still what `recall undo` would.
                    let card = try shown(undone.cardID)
                    return (card, "undid \(undone.rating.name.capitalized) on card \(undone.cardID)")
                }
            }
            message = "undid \(rating.name.capitalized) on card \(cardID)"
        case let .suspend(cardID, pending):
            let now = clock.current()
            _ = try store.write { try store.setSuspended([cardID], false, now: now) }
            if let pending { cramPending = pending }
            message = "card \(cardID) unsuspended"
        case let .bury(cardID, previous, pending):
            let now = clock.current()
            try store.write { try store.restoreBuried(cardID: cardID, to: previous, now: now) }
            if let pending { cramPending = pending }
            message = "card \(cardID) unburied"
        }
        return (try shown(undo.cardID), message)
    }

    /// A card to show out of queue order (after an undo), with today's counts.
    private mutating func shown(_ id: Int64) throws -> ReviewCard {
        let record = try store.requireCard(id)
        let now = clock.current()
        switch mode {
        case .study(let deck):
            let counts = try store.studyQueue(deck: deck, now: now, timeZone: timeZone).counts
            return try card(record, counts: counts, now: now)
        case .cram:
            return try card(record, counts: nil, now: now)
        }
    }

    private mutating func removeFromCram(_ id: Int64) {
        guard mode.isCram, let index = cramPending.firstIndex(of: id) else { return }
        cramPending.remove(at: index)
    }

    /// Cards still due today (learning steps minutes away, or days beyond the limits) and cards
    /// due tomorrow, for the summary: a card due in ten minutes is not "due tomorrow".
    func dueLater() throws -> DueLater {
        let dayClock = try store.dayClock(timeZone: timeZone)
        let today = dayClock.dayNumber(at: clock.current())
        let byTonight = try store.dueCount(deck: mode.deck, before: dayClock.startOfDay(today + 1))
        let byTomorrowNight = try store.dueCount(deck: mode.deck, before: dayClock.startOfDay(today + 2))
        return DueLater(today: byTonight, tomorrow: byTomorrowNight - byTonight)
    }
}
