import Foundation
import RecallModel
import RecallScheduler
import RecallTerminal

/// The review without a terminal (stdin or stdout is a pipe, `TERM=dumb`, or `--plain`):
/// plain lines in reading order, so it works in pipes, CI logs and screen readers.
///
///     card 12 · Python interview · 12 new · 3 learning · 40 review left today
///     What does `is` compare?
///     [Enter] to show the answer
///     --- answer ---
///     Identity, not equality.
///     Again 1m · Hard 6m · Good 2d · Easy 8d
///     Rating (1 again, 2 hard, 3 good, 4 easy, u undo, s suspend, b bury, f flag, q quit):
///
/// Nothing is coloured and every card line is sanitized by the renderer. End of input at any
/// prompt ends the session with its summary, like `q`.
struct PlainReviewLoop {
    /// Columns to wrap card text at.
    let width: Int
    /// True when the input is not a terminal: nothing echoes what was read, so a newline is
    /// printed after each prompt to keep the output one item per line.
    let newlineAfterInput: Bool
    let renderer = CardRenderer()

    static let ratingPrompt = "Rating (1 again, 2 hard, 3 good, 4 easy, u undo, s suspend, b bury, f flag, q quit): "

    func run(_ run: inout ReviewRun, first: ReviewCard) throws -> ReviewEnd {
        run.session.show(first, at: monotonicNanos())
        var showFront = true
        while let card = run.session.card {
            if showFront { printFront(card, cram: run.session.cram) }
            showFront = true
            prompt("[Enter] to show the answer")
            guard let line = readLine() else { return .quit }
            if let key = Self.key(for: line, answering: false) {
                switch try perform(run.session.handle(key), &run) {
                case .end(let end): return end
                case .moved: continue
                case .stay:
                    showFront = false
                    continue
                }
            }
            _ = run.session.handle(.space)
            printBack(card)
            answering: while true {
                prompt(Self.ratingPrompt)
                guard let line = readLine() else { return .quit }
                guard let key = Self.key(for: line, answering: true) else {
                    Output.line("Please type 1, 2, 3 or 4 (or u, s, b, f, q).")
                    continue
                }
                switch try perform(run.session.handle(key), &run) {
                case .end(let end): return end
                case .moved: break answering
                case .stay: continue
                }
            }
        }
        return .quit
    }

    /// Performs what a line asked for and prints the session's message, if any.
    private func perform(_ action: ReviewAction, _ run: inout ReviewRun) throws -> ReviewRun.Outcome {
        if case .answer(let rating) = action, let card = run.session.card {
            Output.line("\(rating.name.capitalized): next in \(card.intervals[rating] ?? "?")"
                + (run.session.cram ? " (cram: schedule unchanged)" : ""))
        }
        let outcome = try run.perform(action)
        if let message = run.session.message {
            Output.line(Sanitizer.sanitize(message, keepNewlines: false))
            run.session.message = nil
        }
        return outcome
    }

    /// The key a typed line stands for, so that both loops share `ReviewSession.handle`. Before
    /// the answer is shown only the commands count (any other line shows the answer: nil);
    /// when answering, a line that is no choice is nil.
    static func key(for line: String, answering: Bool) -> Key? {
        let word = line.trimmingCharacters(in: .whitespaces).lowercased()
        let commands: [String: Character] = [
            "q": "q", "quit": "q", "u": "u", "undo": "u", "s": "s", "suspend": "s", "b": "b", "bury": "b",
            "f": "f", "flag": "f",
        ]
        if let command = commands[word] { return .character(command) }
        guard answering, let rating = Rating(argument: word) else { return nil }
        return .character(Character(String(rating.rawValue)))
    }

    private func printFront(_ card: ReviewCard, cram: Bool) {
        Output.line()
        var header = "card \(card.record.id) · \(Sanitizer.sanitize(card.record.deck, keepNewlines: false))"
        if let counts = card.counts { header += " · " + StudyText.counts(counts) }
        if cram { header += " · cram: schedule unchanged" + (card.cramLeft.map { " · \($0) left" } ?? "") }
        if card.record.flag != 0 { header += " · flagged" }
        Output.line(header)
        for line in renderer.render(markdown: card.front, width: width, colors: false) { Output.line(line) }
    }

    private func printBack(_ card: ReviewCard) {
        Output.line("--- answer ---")
        for line in renderer.render(markdown: card.back, width: width, colors: false) { Output.line(line) }
        Output.line(Rating.allCases.map { "\($0.name.capitalized) \(card.intervals[$0] ?? "?")" }.joined(separator: " · "))
    }

    private func prompt(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    private func readLine() -> String? {
        let line = Swift.readLine(strippingNewline: true)
        if newlineAfterInput { Output.line() }
        return line
    }
}
