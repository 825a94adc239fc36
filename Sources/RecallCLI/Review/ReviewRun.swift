import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// How a session ended.
enum ReviewEnd: Equatable {
    /// No card left; `nextDue` is when the next one comes due (nil when none will).
    case finished(nextDue: Millis?)
    /// `q`, or the input closed.
    case quit
    /// Ctrl-C: the summary is printed, and recall exits with 130 like an interrupted command.
    case interrupted
}

/// Monotonic nanoseconds, for the time spent on a card: unaffected by `RECALL_NOW` and by
/// changes of the wall clock.
func monotonicNanos() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}

/// A session in progress: the store side (`engine`) and the screen state (`session`), and the
/// actions both loops share. The full-screen loop adds drawing and the editor; the
/// line-by-line loop adds its prompts.
struct ReviewRun {
    var engine: ReviewEngine
    var session: ReviewSession

    /// What an action led to.
    enum Outcome: Equatable {
        /// Still on the same card (possibly changed: flagged, or a message to show).
        case stay
        /// Another card is on screen (the next one, or the one an undo brought back).
        case moved
        case end(ReviewEnd)
    }

    /// Performs `action` (all but `.edit`, which needs the terminal). A store error is shown as
    /// the session's message and the session goes on: the answer it concerned was rolled back.
    mutating func perform(_ action: ReviewAction) throws -> Outcome {
        do {
            return try performUnchecked(action)
        } catch let error as StoreError {
            session.message = "error: \(error.description)"
        } catch let error as CLIError {
            session.message = error.description
        }
        return .stay
    }

    private mutating func performUnchecked(_ action: ReviewAction) throws -> Outcome {
        switch action {
        case .none, .redraw, .edit, .playSound:
            return .stay
        case .quit:
            return .end(.quit)
        case .interrupt:
            return .end(.interrupted)
        case .answer(let rating):
            guard let card = session.card else { return .stay }
            let undo = try engine.answer(card, rating: rating, durationMS: session.duration(at: monotonicNanos()))
            session.answered(undo)
            return try advance()
        case .undo(let entry):
            do {
                let (card, message) = try engine.undo(entry)
                session.undid(showing: card, at: monotonicNanos(), message: message)
                return .moved
            } catch {
                session.dropUndo()
                throw error
            }
        case .suspend:
            guard let card = session.card else { return .stay }
            let undo = try engine.suspend(card)
            session.removed(undo, message: "card \(card.record.id) suspended · u undoes")
            return try advance()
        case .bury:
            guard let card = session.card else { return .stay }
            let undo = try engine.bury(card)
            session.removed(undo, message: "card \(card.record.id) buried until tomorrow · u undoes")
            return try advance()
        case .toggleFlag:
            guard let card = session.card else { return .stay }
            let flagged = try engine.toggleFlag(card)
            session.replace(flagged)
            session.message = flagged.record.flag != 0
                ? "card \(card.record.id) flagged for fixing (f again clears it)" : "card \(card.record.id) flag cleared"
            return .stay
        }
    }

    /// Shows the next card, or ends the session. Called only after the previous action committed.
    private mutating func advance() throws -> Outcome {
        advance(to: try engine.next())
    }

    private mutating func advance(to step: ReviewStep) -> Outcome {
        switch step {
        case .card(let next):
            let message = session.message
            session.show(next, at: monotonicNanos())
            session.message = message
            return .moved
        case .finished(let nextDue):
            session.finish()
            return .end(.finished(nextDue: nextDue))
        }
    }

    /// Saves what came back from the editor (nil: unchanged) and shows it at once.
    mutating func saveEdit(_ edited: EditorSession.Edited?) {
        guard let card = session.card else { return }
        guard let edited else {
            session.message = "card \(card.record.id) unchanged"
            return
        }
        do {
            session.replace(try engine.save(edited, to: card))
            session.message = "card \(card.record.id) updated"
        } catch let error as CLIError {
            session.message = "\(error.description); the card is unchanged"
        } catch {
            session.message = "\(error); the card is unchanged"
        }
    }

    /// The summary lines for the end of the session.
    func summary(_ end: ReviewEnd) -> [String] {
        var finished = false
        var nextDue: Millis?
        if case let .finished(due) = end {
            finished = true
            nextDue = due
        }
        return ReviewSummary.lines(
            stats: session.stats, cram: session.cram, dueLater: try? engine.dueLater(), finished: finished,
            nextDue: nextDue, now: engine.clock.current(), zone: engine.clock.timeZone)
    }
}
