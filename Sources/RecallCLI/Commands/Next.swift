import ArgumentParser
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync
import RecallImport
import RecallTerminal

/// `recall next`: the card the queue would show now.
struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the card to study now, what each answer would do, and what is left today.",
        discussion: """
            Learning cards that are due come first, then due reviews with new cards mixed in, \
            within each deck's daily limits. For scripts: answer it with `recall answer ID RATING`.
            Examples:
              recall next
              recall next --deck 'Python interview' --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Only this deck (and its sub-decks).")
    var deck: String?

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func run() throws {
        let context = try Context(storeOptions)
        let queue = try context.store.studyQueue(deck: deck, now: context.now, timeZone: context.clock.timeZone)
        guard let card = queue.next else {
            if json {
                Output.json(.object([
                    "card": .null, "intervals": .null, "remaining": StudyText.countsJSON(queue.counts),
                    "next_due": queue.nextDue.map { .string(ISOTime.format($0)) } ?? .null,
                ]))
            } else if let nextDue = queue.nextDue {
                Output.line("nothing due now; the next card is due \(Output.localTime(nextDue, zone: context.clock.timeZone))")
            } else {
                Output.line("nothing to study: no cards are due")
            }
            return
        }
        let scheduler = try context.store.scheduler(forDeckID: card.deckID, timeZone: context.clock.timeZone)
        let preview = scheduler.preview(card.state, at: context.now, fuzzSeed: fuzzSeed(forGUID: card.guid))
        if json {
            Output.json(.object([
                "card": CardJSON.object(card, reviews: try context.store.reviews(ofCard: card.id)),
                "intervals": StudyText.intervalsJSON(preview, scheduler: scheduler, now: context.now),
                "remaining": StudyText.countsJSON(queue.counts),
                "next_due": .null,
            ]))
            return
        }
        let face = CardFace.render(card)
        Output.line("card \(card.id) · \(Sanitizer.sanitize(card.deck, keepNewlines: false)) · \(StudyText.counts(queue.counts))")
        Output.line(Sanitizer.sanitize(CardMedia.describingImages(face.front)))
        Output.line("")
        Output.line(StudyText.buttons(preview, scheduler: scheduler, now: context.now))
    }
}
