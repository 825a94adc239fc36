import RecallModel
import RecallScheduler
import RecallStore
import RecallTerminal

/// One card as a review session shows it: the stored card, the faces derived from its note
/// (reversed and cloze siblings show different text than the note's front and back), the
/// interval each answer would give, and what is left today.
struct ReviewCard: Equatable {
    var record: CardRecord
    /// Markdown of the side asked (front) and the side revealed (back).
    var front: String
    var back: String
    /// "1m", "6m", "2d", "8d": the interval each rating would give now.
    var intervals: [Rating: String]
    /// What is left today, this card included; nil in a cram session, which has no queue.
    var counts: QueueCounts?
    /// In a cram session: cards left in the cram list, this one included.
    var cramLeft: Int?
}

/// Something the session did to the store that `u` can take back, newest last. Cram sessions
/// keep their list of pending cards with each entry, so undo restores the order exactly.
enum ReviewUndo: Equatable {
    case answer(cardID: Int64, rating: Rating, durationMS: Int64, cramPending: [Int64]?)
    case suspend(cardID: Int64, cramPending: [Int64]?)
    case bury(cardID: Int64, previous: Int?, cramPending: [Int64]?)

    var cardID: Int64 {
        switch self {
        case let .answer(id, _, _, _), let .suspend(id, _), let .bury(id, _, _): id
        }
    }
}

/// What a key asks the loop to do. The loop performs it (store, editor, terminal) and then
/// tells the session what happened; the session itself never does I/O.
enum ReviewAction: Equatable {
    /// Nothing changed; no redraw needed.
    case none
    /// The session changed (revealed, scrolled, help, message); draw it.
    case redraw
    case answer(Rating)
    case undo(ReviewUndo)
    case edit
    case suspend
    case bury
    case toggleFlag
    /// Play the next of the shown faces' sounds (the loop starts the player).
    case playSound(String)
    case quit
    /// Ctrl-C: quit, but report it with exit status 130 as an interrupted command does.
    case interrupt
}

/// Answers of a session, for the summary and for taking answers back.
struct ReviewStats: Equatable {
    var answers = 0
    var again = 0
    /// Sum of the recorded durations, in milliseconds.
    var durationMS: Int64 = 0
    /// Answers per card id, so undo can tell whether a card is still "studied".
    var answersByCard: [Int64: Int] = [:]

    var cardsStudied: Int { answersByCard.count }

    mutating func add(cardID: Int64, rating: Rating, durationMS: Int64) {
        answers += 1
        if rating == .again { again += 1 }
        self.durationMS += durationMS
        answersByCard[cardID, default: 0] += 1
    }

    mutating func remove(cardID: Int64, rating: Rating, durationMS: Int64) {
        answers = max(0, answers - 1)
        if rating == .again { again = max(0, again - 1) }
        self.durationMS = max(0, self.durationMS - durationMS)
        let left = (answersByCard[cardID] ?? 1) - 1
        answersByCard[cardID] = left > 0 ? left : nil
    }
}

/// The review screen's state, free of I/O so that every key's effect is a plain function:
/// the card on screen, whether its back is shown, the scroll position, the help overlay, a
/// one-line message, the session's statistics and its undo stack.
///
/// Time is passed in as monotonic nanoseconds (`DispatchTime.uptimeNanoseconds`), which keeps
/// the session deterministic and measures durations without being fooled by `RECALL_NOW`.
struct ReviewSession {
    /// An answer takes at most this long (ms): a screen left open over lunch should not
    /// record an hour on one card (Anki caps at 60 s by default; ten minutes leaves room for
    /// long cards).
    static let maximumDurationMS: Int64 = 10 * 60_000

    let cram: Bool
    private(set) var card: ReviewCard?
    private(set) var revealed = false
    /// The body's scroll position; the screen clamps it to the laid-out card on each frame.
    var viewport = Viewport(contentHeight: 0, visibleHeight: 0)
    /// Set on reveal: the next layout scrolls the answer into view if it is below the fold.
    var scrollToAnswer = false
    private(set) var showingHelp = false
    /// One line under the card ("card 12 suspended · u undoes"); cleared by the next key.
    var message: String?
    private(set) var stats = ReviewStats()
    private(set) var undoStack: [ReviewUndo] = []
    /// Sounds played on this card, so that `p` again plays the next one.
    private var soundsPlayed = 0

    /// When the card was shown, and time spent on it before a pause (the editor), for the
    /// review's duration.
    private var shownAt: UInt64 = 0
    private var elapsedBeforePause: UInt64 = 0

    init(cram: Bool) {
        self.cram = cram
    }

    /// The sounds of the faces on screen: the front's, then (once revealed) the back's.
    static func sounds(of card: ReviewCard, revealed: Bool) -> [String] {
        let names = CardMedia.soundNames(in: card.front) + (revealed ? CardMedia.soundNames(in: card.back) : [])
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// Shows a new card: front only, scrolled to the top, its timer started.
    mutating func show(_ card: ReviewCard, at nanos: UInt64) {
        self.card = card
        revealed = false
        scrollToAnswer = false
        soundsPlayed = 0
        viewport = Viewport(contentHeight: 0, visibleHeight: viewport.visibleHeight)
        shownAt = nanos
        elapsedBeforePause = 0
    }

    /// The same card with new content (after an edit or a flag); keeps what is revealed and the timer.
    mutating func replace(_ card: ReviewCard) {
        self.card = card
    }

    /// Stops the card's timer while the user is elsewhere (in the editor).
    mutating func pause(at nanos: UInt64) {
        elapsedBeforePause += nanos >= shownAt ? nanos - shownAt : 0
        shownAt = nanos
    }

    mutating func resume(at nanos: UInt64) {
        shownAt = nanos
    }

    /// Milliseconds spent on the card so far, capped at `maximumDurationMS`.
    func duration(at nanos: UInt64) -> Int64 {
        let total = elapsedBeforePause + (nanos >= shownAt ? nanos - shownAt : 0)
        return min(Int64(clamping: total / 1_000_000), Self.maximumDurationMS)
    }

    /// What `key` does. Answer keys need the back to be shown first, so a key typed by
    /// accident on the question never grades a card; `e` is Easy once the back is shown and
    /// edits the card before (`E` always edits).
    mutating func handle(_ key: Key) -> ReviewAction {
        if showingHelp {
            showingHelp = false
            if key == .ctrlC { return .interrupt }
            return .redraw
        }
        let hadMessage = message != nil
        message = nil
        let unchanged: ReviewAction = hadMessage ? .redraw : .none
        switch key {
        case .space, .enter:
            guard card != nil else { return unchanged }
            if !revealed { return reveal() }
            return .answer(.good)
        case .character(let character):
            return handle(character, unchanged: unchanged)
        case .ctrlC:
            return .interrupt
        case .ctrl("l"):
            return .redraw
        case .up: return scroll { $0.scroll(by: -1) } ?? unchanged
        case .down: return scroll { $0.scroll(by: 1) } ?? unchanged
        case .pageUp: return scroll { $0.page(down: false) } ?? unchanged
        case .pageDown: return scroll { $0.page(down: true) } ?? unchanged
        case .home: return scroll { $0.scrollToTop() } ?? unchanged
        case .end: return scroll { $0.scrollToBottom() } ?? unchanged
        default:
            return unchanged
        }
    }

    private mutating func handle(_ character: Character, unchanged: ReviewAction) -> ReviewAction {
        let ratings: [Character: Rating] = ["1": .again, "a": .again, "2": .hard, "h": .hard, "3": .good, "g": .good, "4": .easy]
        switch character {
        case "q", "Q": return .quit
        case "?":
            showingHelp = true
            return .redraw
        case "u":
            guard let last = undoStack.last else {
                message = "nothing to undo in this session"
                return .redraw
            }
            return .undo(last)
        default:
            break
        }
        guard card != nil else { return unchanged }
        if character == "E" || (character == "e" && !revealed) { return .edit }
        if let rating = ratings[character] ?? (character == "e" ? .easy : nil) {
            guard revealed else {
                message = "show the answer first (space)"
                return .redraw
            }
            return .answer(rating)
        }
        switch character {
        case "s": return .suspend
        case "b": return .bury
        case "f": return .toggleFlag
        case "p":
            guard let card else { return unchanged }
            let sounds = Self.sounds(of: card, revealed: revealed)
            guard !sounds.isEmpty else {
                message = "this card has no sound"
                return .redraw
            }
            let name = sounds[soundsPlayed % sounds.count]
            soundsPlayed += 1
            return .playSound(name)
        case "k": return scroll { $0.scroll(by: -1) } ?? unchanged
        case "j": return scroll { $0.scroll(by: 1) } ?? unchanged
        default: return unchanged
        }
    }

    private mutating func reveal() -> ReviewAction {
        revealed = true
        scrollToAnswer = true
        return .redraw
    }

    /// Scrolls the body; nil when it was already at that end.
    private mutating func scroll(_ move: (inout Viewport) -> Void) -> ReviewAction? {
        let before = viewport.offset
        move(&viewport)
        return viewport.offset == before ? nil : .redraw
    }

    // MARK: What the loop reports back

    /// The answer is in the store (or, cramming, counted only).
    mutating func answered(_ undo: ReviewUndo) {
        if case let .answer(cardID, rating, durationMS, _) = undo {
            stats.add(cardID: cardID, rating: rating, durationMS: durationMS)
        }
        undoStack.append(undo)
    }

    /// The card was suspended or buried; `u` can take it back.
    mutating func removed(_ undo: ReviewUndo, message: String) {
        undoStack.append(undo)
        self.message = message
    }

    /// The newest undo entry was taken back; the card it concerned is shown again, front first.
    mutating func undid(showing card: ReviewCard, at nanos: UInt64, message: String) {
        if let last = undoStack.popLast(), case let .answer(cardID, rating, durationMS, _) = last {
            stats.remove(cardID: cardID, rating: rating, durationMS: durationMS)
        }
        show(card, at: nanos)
        self.message = message
    }

    /// The undo entry could not be applied (e.g. the card was deleted elsewhere): drop it.
    mutating func dropUndo() {
        _ = undoStack.popLast()
    }

    /// No card left: the loop ends the session.
    mutating func finish() {
        card = nil
        revealed = false
    }
}
