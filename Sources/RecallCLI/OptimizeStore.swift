import Foundation
import RecallScheduler
import RecallStore

/// `recall optimize` on the store: fit, report, save, recompute. Split from the command's
/// argument handling (Commands/Optimize.swift) as the review screen's flow is from `Review`.
struct OptimizeStore {
    let command: Optimize

    func run() throws {
        let started = Date()
        let context = try Context(command.storeOptions)
        let store = context.store
        var deckID: Int64?
        if let deck = command.deck {
            try Store.checkDeckName(deck)
            let decks = try store.decks(under: deck)
            guard !decks.isEmpty else { throw CLIError.message("deck \"\(deck)\" not found") }
            deckID = decks.first { $0.name == deck }?.id ?? decks[0].id
        }
        let clock = try context.dayClock
        let (histories, deckIDs) = try store.reviewHistories(deck: command.deck, clock: clock)
        let scored = histories.scoredCount
        let scope = command.deck.map { "deck \"\($0)\" and its sub-decks" } ?? "the store"
        guard scored >= FSRSOptimizer.minimumScoredReviews else {
            throw CLIError.message(
                "too little history to fit \(scope): \(Output.count(scored, "review")) a day or more after the card's previous one; "
                    + "fitting needs at least \(FSRSOptimizer.minimumScoredReviews). Nothing was changed")
        }
        let current = try store.options(forDeckID: deckID).parameters
        let fitted = FSRSOptimizer().fit(histories).map(Optimize.rounded)
        // "In force": each card with its own deck's parameters, as it is scheduled now.
        var models: [FSRS] = []
        var modelOfDeck: [Int64: Int] = [:]
        for id in Set(deckIDs).sorted() {
            let model = try FSRS(parameters: store.options(forDeckID: id).parameters)
            modelOfDeck[id] = models.firstIndex(of: model) ?? models.count
            if modelOfDeck[id] == models.count { models.append(model) }
        }
        if models.isEmpty { models = [try FSRS(parameters: current)] }
        let before = FitMetrics(models: models, modelOfCard: { modelOfDeck[deckIDs[$0]] ?? 0 }, histories: histories)
        let keepOwn = command.deck == nil ? try store.decksWithOwnParameters(under: nil) : []
        let after = FitMetrics(model: try FSRS(parameters: fitted), histories: histories)
        // Never replace parameters with ones that predict this history worse.
        let better = after.logLoss <= before.logLoss
        let save = better && !command.dryRun
        var changed = 0
        var decks: [String] = []
        if save {
            (decks, changed) = try store.write {
                let decks = try store.saveParameters(fitted, deck: command.deck, now: context.now)
                let changed = try store.recomputeStates(
                    timeZone: context.clock.timeZone, reschedule: command.reschedule, now: context.now)
                return (decks, changed)
            }
        }
        let seconds = Date().timeIntervalSince(started)
        if command.json {
            Output.json(.object([
                "scope": command.deck.map { .string($0) } ?? .null,
                "reviews": .int(Int64(histories.reviewCount)),
                "scored_reviews": .int(Int64(scored)),
                "cards": .int(Int64(histories.cardCount)),
                "current": Self.json(current, before),
                "fitted": Self.json(fitted, after),
                "parameters": .array(fitted.map { .double($0) }),
                "log_loss": .double(after.logLoss),
                "rmse_bins": .double(after.rmseBins),
                "saved": .bool(save),
                "decks": .array(decks.map { .string($0) }),
                "rescheduled": .bool(save && command.reschedule),
                "cards_updated": .int(Int64(changed)),
                "decks_keeping_own_parameters": .array(keepOwn.map { .string($0) }),
                "seconds": .double((seconds * 1000).rounded() / 1000),
            ]))
            return
        }
        Output.line("\(Output.count(histories.reviewCount, "review")) of \(Output.count(histories.cardCount, "card")) in \(scope), \(scored) scored")
        Output.line("                 log loss   RMSE(bins)")
        Output.line("in force         \(Optimize.format(before.logLoss))    \(Optimize.format(before.rmseBins))")
        Output.line("fitted           \(Optimize.format(after.logLoss))    \(Optimize.format(after.rmseBins))")
        Output.line("parameters: " + fitted.map { String($0) }.joined(separator: ", "))
        if !better {
            Output.line("the parameters in force predict this history better; nothing was changed")
        } else if command.dryRun {
            Output.line("dry run: nothing was saved")
        } else {
            let target = decks.isEmpty ? "store-wide" : "for " + decks.map { "\"\($0)\"" }.joined(separator: ", ")
            Output.line("saved \(target); memory states of \(Output.count(changed, "card")) recomputed, "
                + (command.reschedule ? "due dates rescheduled" : "due dates kept"))
            if !keepOwn.isEmpty {
                Output.line("decks with parameters of their own keep them: " + keepOwn.map { "\"\($0)\"" }.joined(separator: ", ")
                    + " (recall optimize --deck D to fit one)")
            }
        }
    }

    static func json(_ parameters: [Double], _ metrics: FitMetrics) -> JSONValue {
        .object([
            "parameters": .array(parameters.map { .double($0) }),
            "log_loss": .double(metrics.logLoss),
            "rmse_bins": .double(metrics.rmseBins),
        ])
    }
}
