import RecallTerminal
import ArgumentParser
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync

/// `recall show`: one card, whole.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a card: its text, schedule and review history.",
        discussion: "Examples:\n  recall show 42\n  recall show 42 --json")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The card id.")
    var id: String

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func validate() throws {
        try validateCardIDs([id])
    }

    func run() throws {
        let cardID = try parseCardID(id)
        let context = try Context(storeOptions)
        let card = try context.store.requireCard(cardID)
        let reviews = try context.store.reviews(ofCard: cardID)
        let today = try context.today
        if json {
            Output.json(CardStatus.json(card, reviews: reviews, today: today))
            return
        }
        let zone = context.clock.timeZone
        Output.line("card \(card.id) · deck \(Sanitizer.sanitize(card.deck)) · \(card.kind.rawValue) #\(card.ordinal)"
            + CardStatus.words(card, today: today).map { " · " + $0 }.joined())
        Output.line("Front:")
        Output.line(Sanitizer.sanitize(CardMedia.describingImages(card.front)))
        Output.line("Back:")
        Output.line(Sanitizer.sanitize(CardMedia.describingImages(card.back)))
        if !card.tags.isEmpty { Output.line("Tags: " + Sanitizer.sanitize(card.tags.joined(separator: " "))) }
        if let source = card.source {
            Output.line("Source: \(Sanitizer.sanitize(source))" + (card.sourceLine.map { ":\($0)" } ?? ""))
        }
        let state = card.state
        var schedule = "State: \(state.phase.rawValue)"
        if let due = state.due { schedule += " · due \(Output.localTime(due, zone: zone))" }
        if let stability = state.stability { schedule += " · stability \(String(format: "%.2f", stability))d" }
        if let difficulty = state.difficulty { schedule += " · difficulty \(String(format: "%.2f", difficulty))" }
        schedule += " · \(Output.count(state.reps, "review")), \(Output.count(state.lapses, "lapse"))"
        Output.line(schedule)
        for review in reviews {
            Output.line("  \(Output.localTime(review.at, zone: zone))  \(review.rating.name)  \(review.durationMS) ms")
        }
    }
}
