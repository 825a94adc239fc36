import ArgumentParser

/// `recall unsuspend`: bring suspended cards back into review.
struct Unsuspend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Unsuspend cards.",
        discussion: "Example:\n  recall unsuspend 12")

    @OptionGroup var storeOptions: StoreOptions

    @Argument(help: "Card ids.")
    var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("give at least one card id") }
        try validateCardIDs(ids)
    }

    func run() throws {
        try SuspensionChange.apply(ids: ids, suspended: false, options: storeOptions)
    }
}
