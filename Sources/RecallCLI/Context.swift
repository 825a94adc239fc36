import ArgumentParser
import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// `--db PATH`, shared by every command that opens the store.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store file. Default: $RECALL_DB, else $XDG_DATA_HOME/recall/recall.sqlite.",
        valueName: "path"))
    var db: String?

    public init() {}
}

/// What every command needs: the environment, the one clock and the store.
struct Context {
    let environment: [String: String]
    let clock: Clock
    let store: Store

    var now: Millis { clock.now }

    /// Reads the clock first (a bad `RECALL_NOW` fails before anything is opened), then opens
    /// or creates the store. A store created here gets the bundled deck unless `bundledDeck` is false.
    /// A zero-length store file is refused unless `initialisingEmpty` (`recall init`).
    init(_ options: StoreOptions, bundledDeck: Bool = true, initialisingEmpty: Bool = false) throws {
        environment = ProcessInfo.processInfo.environment
        clock = try Clock.fromEnvironment(environment)
        let path = Store.resolvePath(option: options.db, environment: environment)
        store = try Store(path: path, initialisingEmpty: initialisingEmpty, now: clock.now)
        if !store.isReadOnly { try store.refreshCachedStates(timeZone: clock.timeZone) }
        if store.isNew && bundledDeck {
            try BundledDeck.install(into: store, now: clock.now)
        }
    }

    /// The day clock in force: days start at the store's rollover hour (default 4) in local time.
    var dayClock: DayClock {
        get throws { try store.dayClock(timeZone: clock.timeZone) }
    }

    var today: Int {
        get throws { try dayClock.dayNumber(at: now) }
    }

    var endOfToday: Millis {
        get throws { try dayClock.startOfDay(today + 1) }
    }
}

/// Card ids on the command line: the short number `recall` prints.
func parseCardID(_ text: String) throws(CLIError) -> Int64 {
    guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id > 0 else { throw .invalidCardID(text) }
    return id
}

/// Checks card ids in a command's `validate()`: text that is not a card id is wrong usage (exit
/// 64, with the usage line), like any other bad argument (`recall answer 1 great`). A number
/// that names no card is not: that is the store's answer (exit 1, `card 99 not found`).
func validateCardIDs(_ texts: [String]) throws {
    for text in texts {
        do {
            _ = try parseCardID(text)
        } catch {
            throw ValidationError(error.description)
        }
    }
}

/// A list of card ids on the command line, each once, in the order first given: `recall rm 6 6`
/// deletes card 6 and `recall suspend 1 1` reports card 1 once.
func parseCardIDs(_ texts: [String]) throws(CLIError) -> [Int64] {
    var seen = Set<Int64>()
    var ids: [Int64] = []
    for text in texts {
        let id = try parseCardID(text)
        if seen.insert(id).inserted { ids.append(id) }
    }
    return ids
}

/// The words an `.allUnrecognized` argument captured, without the `--` terminator it keeps
/// (the parser hands it over as a word): `recall config KEY -- -1` is still `-1`, as before
/// negative values needed no `--`.
func withoutTerminator(_ words: [String]) -> [String] {
    guard let index = words.firstIndex(of: "--") else { return words }
    var rest = words
    rest.remove(at: index)
    return rest
}
