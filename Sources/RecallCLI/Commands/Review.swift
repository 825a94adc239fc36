#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import RecallTerminal

/// `recall review`: the daily review, full-screen in a terminal, line by line elsewhere.
struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review the cards due today, full-screen in the terminal.",
        discussion: """
            Shows each card's front; space or enter shows the back, then 1-4 (or a/h/g/e) answers \
            Again, Hard, Good or Easy, with the next interval on each button. u undoes, e edits in \
            $EDITOR (E once the back is shown), s suspends, b buries until tomorrow, f flags for \
            fixing, ? lists the keys, q quits with a summary. Each answer is saved before the next \
            card appears.

            When standard input or output is not a terminal (or with --plain), the review runs line \
            by line: front, a line to show the back, then a line with the rating. End of input quits. \
            For scripts, `recall next --json` and `recall answer` are the stable interface.

            Examples:
              recall review
              recall review 'Python interview'
              recall review --cram --limit 20
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Only this deck (and its sub-decks). Default: all decks.")
    var deckArgument: String?

    @Option(name: .customLong("deck"), help: ArgumentHelp("The same as the DECK argument, as other commands take it.", valueName: "deck"))
    var deckOption: String?

    var deck: String? { deckOption ?? deckArgument }

    @Flag(help: "Study cards that are not due yet (soonest first), without changing their schedule.")
    var cram = false

    @Option(help: ArgumentHelp("With --cram: how many cards at most (default 50).", valueName: "n"))
    var limit: Int?

    @Flag(help: "Line-by-line mode even in a terminal (for screen readers).")
    var plain = false

    func validate() throws {
        if deckArgument != nil, deckOption != nil { throw ValidationError("give the deck once: as an argument or with --deck") }
        if let limit {
            guard cram else { throw ValidationError("--limit works with --cram only") }
            guard limit > 0 else { throw ValidationError("--limit must be a positive number, got \(limit)") }
        }
    }

    func run() throws {
        let context = try Context(storeOptions)
        let mode: ReviewMode = cram ? .cram(deck: deck, limit: limit ?? 50) : .study(deck: deck)
        var engine = ReviewEngine(store: context.store, clock: context.clock, mode: mode)
        let first = try engine.start()
        guard case .card(let card) = first else {
            var nextDue: Int64?
            if case let .finished(due) = first { nextDue = due }
            Output.line(ReviewSummary.nothingDue(
                nextDue: nextDue, cram: cram, now: context.clock.current(), zone: context.clock.timeZone))
            return
        }
        var run = ReviewRun(engine: engine, session: ReviewSession(cram: cram))
        let end: ReviewEnd
        if fullScreen(context.environment) {
            end = try TTYReviewLoop(environment: context.environment).run(&run, first: card)
        } else {
            let width = Terminal.size(of: STDOUT_FILENO)?.columns
                ?? context.environment["COLUMNS"].flatMap { Int($0) }.map { min(max($0, 20), 500) } ?? 80
            end = try PlainReviewLoop(width: width, newlineAfterInput: !Terminal.isTTY(STDIN_FILENO))
                .run(&run, first: card)
        }
        for line in run.summary(end) { Output.line(line) }
        if end == .interrupted { Foundation.exit(130) }
    }

    /// Full screen needs a terminal on both sides that can draw it.
    private func fullScreen(_ environment: [String: String]) -> Bool {
        !plain && Terminal.isTTY(STDIN_FILENO) && Terminal.isTTY(STDOUT_FILENO) && environment["TERM"] != "dumb"
    }
}
