import ArgumentParser
import RecallModel
import RecallScheduler
import RecallStore
import RecallSync

/// `recall answer`: grade a card.
struct Answer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer a card: again, hard, good or easy (or 1-4).",
        discussion: """
            Appends one entry to the review log and reschedules the card, in one transaction. \
            A suspended card is refused. With a clock behind the card's last review, the answer \
            is logged just after that review (with a warning), so that the log stays in order.
            Examples:
              recall answer 12 good
              recall answer 12 1 --duration 8300 --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "The card id.")
    var id: String

    @Argument(help: "again, hard, good, easy, or 1-4.")
    var rating: String

    @Option(help: "Time spent on the card, in milliseconds.")
    var duration: Int64 = 0

    @Flag(help: "Print JSON (see docs/json.md).")
    var json = false

    func validate() throws {
        try validateCardIDs([id])
        if Rating(argument: rating) == nil {
            throw ValidationError("rating must be again, hard, good, easy or 1-4, got '\(rating)'")
        }
        if duration < 0 { throw ValidationError("--duration must not be negative") }
    }

    func run() throws {
        let cardID = try parseCardID(id)
        guard let grade = Rating(argument: rating) else { throw CLIError.message("unknown rating \(rating)") }
        let context = try Context(storeOptions)
        let result = try context.store.write {
            try context.store.answer(cardID: cardID, rating: grade, durationMS: duration, now: context.now,
                                     timeZone: context.clock.timeZone)
        }
        if result.at != context.now {
            Output.warning("card \(cardID) was last reviewed after now (\(ISOTime.format(context.now))); "
                + "this answer is logged just after that review, at \(ISOTime.format(result.at)), to keep its log in order")
        }
        if json {
            Output.json(.object([
                "card": .int(cardID),
                "review": .string(result.reviewID),
                "rating": .int(Int64(grade.rawValue)),
                "state": CardJSON.state(result.after),
                "interval": .string(formatInterval(millis: result.interval)),
                "interval_ms": .int(result.interval),
                "leech": .bool(result.becameLeech),
            ]))
            return
        }
        var line = "card \(cardID): \(grade.name) → "
        if let due = result.after.due {
            line += "due \(Output.localTime(due, zone: context.clock.timeZone)) (in \(formatInterval(millis: result.interval)))"
        }
        if result.becameLeech { line += "; it is now a leech" + (result.card.suspended ? " and was suspended" : " (tagged leech)") }
        Output.line(line)
    }
}
