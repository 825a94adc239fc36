import Foundation
import RecallModel
import RecallScheduler

/// Everything that can go wrong in the store, phrased for the person at the terminal.
/// `description` is the one line `recall` prints after `recall: error:`.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// SQLite said no. `code` is SQLite's extended result code, `sql` the statement that failed
    /// (never the bound values, which may be card text).
    case sqlite(code: Int32, message: String, sql: String?)
    case notSQLite(path: String)
    case notRecallStore(path: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case cannotCreate(path: String, reason: String)
    case migrationFailed(name: String, message: String)
    case cardNotFound(String)
    /// `answer` on a suspended card.
    case cardSuspended(Int64)
    /// `undo` of an answer that `recall sync` or `recall export` already wrote into a deck file.
    case answerPublished(cardID: Int64, rating: Rating)
    case deckNotFound(String)
    case deckExists(String)
    /// A name that is no deck itself, only the parent part of some (`lang` for `lang::go`), where
    /// one deck is needed (its options).
    case parentOnlyDeck(String, subDecks: [String])
    case invalid(String)
    /// A zero-length file where the store should be, opened by a command other than `init`.
    case emptyStoreFile(path: String)
    /// A write to a store opened read-only (the file or its folder is not writable).
    case readOnly(path: String)
    /// `recall restore ID` of a card that is not in the trash.
    case notInTrash(Int64)
    case cannotBackUp(file: String, reason: String)

    public var description: String {
        switch self {
        case let .sqlite(code, message, _):
            if code & 0xff == 5 || code & 0xff == 6 { return "the store is busy (another recall is writing): \(message)" }
            return "database error: \(message)"
        case let .notSQLite(path): return "\(path) is not a SQLite database; refusing to touch it"
        case let .notRecallStore(path): return "\(path) is not a recall store (a SQLite database of another program); refusing to touch it"
        case let .newerSchema(path, found, supported):
            return "\(path) was made by a newer recall, schema \(found) > \(supported); upgrade recall to open it"
        case let .cannotCreate(path, reason): return "cannot create the store at \(path): \(reason)"
        case let .migrationFailed(name, message): return "migration \(name) failed: \(message); the store is unchanged"
        case let .cardNotFound(id): return "card \(id) not found"
        case let .cardSuspended(id):
            return "card \(id) is suspended, so it cannot be answered; `recall unsuspend \(id)` brings it back"
        case let .answerPublished(cardID, rating):
            return "cannot undo \(rating.name) on card \(cardID): `recall sync` or `recall export` already wrote it to a deck "
                + "file, and a sync would bring it back from there"
        case let .deckNotFound(name): return "deck \(DeckName.quoted(name)) not found"
        case let .deckExists(name): return "deck \(DeckName.quoted(name)) already exists"
        case let .parentOnlyDeck(name, subDecks):
            let shown = subDecks.prefix(3).map(DeckName.quoted).joined(separator: ", ")
                + (subDecks.count > 3 ? " and \(subDecks.count - 3) more" : "")
            return "deck \(DeckName.quoted(name)) has no options of its own: it only groups its sub-decks (\(shown)), "
                + "and options are set per deck; give one of them with --deck"
        case let .invalid(message): return message
        case let .emptyStoreFile(path):
            return "\(path) is empty (0 bytes): it may be a store that lost its content; restore a backup "
                + "(`recall restore --backup FILE`), or run `recall init` to start a new store there"
        case let .readOnly(path): return "the store \(path) is read-only (the file or its folder cannot be written); nothing changed"
        case let .cannotBackUp(file, reason): return "cannot write the backup \(file): \(reason); nothing changed"
        case let .notInTrash(id): return "card \(id) is not in the trash (`recall trash` lists what is)"
        }
    }

    /// SQLite said busy or locked: another process holds the lock, or (for a write at the end of
    /// a read snapshot) wrote since the snapshot began.
    public var isBusy: Bool {
        if case let .sqlite(code, _, _) = self { return code & 0xff == 5 || code & 0xff == 6 }
        return false
    }

    /// The statement that failed, for debugging; not part of the user-facing line.
    public var sql: String? {
        if case let .sqlite(_, _, sql) = self { return sql }
        return nil
    }
}
