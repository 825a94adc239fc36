import ArgumentParser
import RecallModel
import RecallScheduler
import RecallStore

/// `recall check`: verify that every card's state is what its review log replays to.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay every review log and report cards whose stored state differs.",
        discussion: """
            First SQLite's integrity check of the whole file (a damaged file is reported, with \
            the backups to restore from). Then the review log is the truth; a card's schedule is a \
            cache of its replay. With --fix, differing cards get the replayed state. Exit code 1 \
            when the file is damaged or differences remain.
            Example:
              recall check --fix
            """)

    @OptionGroup var storeOptions: StoreOptions

    @Flag(help: "Write the replayed state over the stored one.")
    var fix = false

    func run() throws {
        let context = try Context(storeOptions)
        if let problem = try context.store.integrityProblems().first {
            throw CLIError.message("the store file is damaged (SQLite's integrity check: \(problem)); "
                + "`recall restore --backup FILE` puts a backup back (see \(context.store.backupFolder))")
        }
        let (textIDs, mismatches) = try context.store.write {
            (try context.store.reviewIDsStoredAsText(fix: fix), try context.store.checkReplay(timeZone: context.clock.timeZone, fix: fix))
        }
        if textIDs > 0 {
            Output.line("\(Output.count(textIDs, "review id")) stored as text, not as recall stores a UUID"
                + (fix ? " (fixed)" : ": a merge could log those reviews twice"))
        }
        for mismatch in mismatches {
            Output.line("card \(mismatch.cardID): stored \(describe(mismatch.stored)), log replays to \(describe(mismatch.replayed))"
                + (fix ? " (fixed)" : ""))
        }
        if mismatches.isEmpty {
            Output.line("all cards match their review logs")
            if textIDs > 0, !fix { throw CLIError.message("run `recall check --fix`") }
        } else if !fix {
            let verb = mismatches.count == 1 ? "differs from its review log" : "differ from their review logs"
            throw CLIError.message("\(Output.count(mismatches.count, "card")) \(verb); run `recall check --fix`")
        } else {
            Output.line("fixed \(Output.count(mismatches.count, "card"))")
        }
    }

    /// Times in ISO 8601 UTC to the millisecond, as in `--json` (docs/json.md): a difference of
    /// a few seconds in `due` must show.
    private func describe(_ state: CardState) -> String {
        "\(state.phase.rawValue) reps \(state.reps) lapses \(state.lapses) due \(state.due.map(ISOTime.format) ?? "-")"
            + " S \(state.stability.map { String($0) } ?? "-") D \(state.difficulty.map { String($0) } ?? "-")"
    }
}
