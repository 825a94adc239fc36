import ArgumentParser
import Foundation
import RecallImport
import RecallScheduler
import RecallStore

/// `recall optimize`: fit the FSRS-6 parameters to the review log (the store's, or a CSV file's).
struct Optimize: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the FSRS parameters to your review history.",
        discussion: """
            Fits the 21 FSRS-6 parameters to the store's review log (the whole store, or one deck \
            and its sub-decks with --deck), prints how well the parameters in force and the \
            fitted ones predict your answers (log loss and RMSE over bins, lower is better), and \
            saves the fitted ones, store-wide or for the deck and its sub-decks, unless \
            --dry-run. Every card's memory state is then recomputed from its review log; due \
            dates stay as they are unless --reschedule.
            With --revlog FILE, fits a review-log CSV (card_id,review_day,rating; .gz accepted) \
            and touches no store.
            Examples:
              recall optimize --dry-run
              recall optimize --deck 'Python interview'
              recall optimize --revlog revlog.csv.gz --json
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Option(help: "Fit one deck and its sub-decks (default: the whole store).")
    var deck: String?

    @Flag(help: "Print the fit without saving anything.")
    var dryRun = false

    @Flag(help: "Also move due dates to the intervals the new parameters give.")
    var reschedule = false

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: ArgumentHelp("Fit a review-log CSV file instead of the store.", valueName: "file"))
    var revlog: String?

    func validate() throws {
        if revlog != nil && (deck != nil || dryRun || reschedule) {
            throw ValidationError("--revlog fits a file and saves nothing: it takes no --deck, --dry-run or --reschedule")
        }
    }

    func run() throws {
        if let revlog {
            try fitFile(revlog)
        } else {
            try OptimizeStore(command: self).run()
        }
    }

    private func fitFile(_ path: String) throws {
        let started = Date()
        let histories: ReviewHistories
        do {
            histories = try ReviewLogFile.read(path: path)
        } catch {
            throw CLIError.message(error.description)
        }
        let scored = histories.scoredCount
        guard scored >= FSRSOptimizer.minimumScoredReviews else {
            throw CLIError.message(
                "\(path): \(Output.count(scored, "scored review")); fitting needs at least \(FSRSOptimizer.minimumScoredReviews)")
        }
        let fitted = FSRSOptimizer().fit(histories).map(Self.rounded)
        let model = try FSRS(parameters: fitted)
        let metrics = FitMetrics(model: model, histories: histories)
        let seconds = Date().timeIntervalSince(started)
        if json {
            Output.json(.object([
                "parameters": .array(fitted.map { .double($0) }),
                "log_loss": .double(metrics.logLoss),
                "rmse_bins": .double(metrics.rmseBins),
                "reviews": .int(Int64(histories.reviewCount)),
                "scored_reviews": .int(Int64(metrics.scored)),
                "cards": .int(Int64(histories.cardCount)),
                "seconds": .double((seconds * 1000).rounded() / 1000),
            ]))
        } else {
            Output.line("\(Output.count(histories.reviewCount, "review")) of \(Output.count(histories.cardCount, "card")), \(metrics.scored) scored")
            Output.line("fitted: log loss \(Self.format(metrics.logLoss)), RMSE(bins) \(Self.format(metrics.rmseBins))")
            Output.line("parameters: " + fitted.map { String($0) }.joined(separator: ", "))
        }
    }

    /// Parameters are printed (and saved) to 4 decimals, as Anki shows them; the metrics are
    /// those of the rounded values, so what is printed is what is judged.
    static func rounded(_ x: Double) -> Double { (x * 10_000).rounded() / 10_000 }

    static func format(_ x: Double) -> String { String(format: "%.5f", x) }
}
