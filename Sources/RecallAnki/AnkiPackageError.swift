/// Why a package cannot be read. Each description is the one line `recall import` prints
/// (after `recall: error:`), naming the file and what is wrong with it; nothing has been written
/// when one is thrown.
public enum AnkiPackageError: Error, Equatable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case notAZip(path: String)
    case noCollection(path: String)
    case damagedEntry(path: String, entry: String, reason: String)
    /// An entry that decompresses to more than it declares, or more than recall accepts.
    case tooLarge(path: String, entry: String, reason: String)
    case truncatedZstd(path: String, entry: String)
    case badZstd(path: String, entry: String, reason: String)
    case badCollection(path: String, entry: String, reason: String)
    case unknownSchema(path: String, entry: String, version: Int)
    case badMediaMap(path: String, reason: String)
    case badMeta(path: String, reason: String)
    /// A note whose fields do not match its note type, and the like: the collection's content.
    case badNote(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotRead(path, reason): return "\(path): cannot read the package: \(reason)"
        case let .notAZip(path): return "\(path): not an Anki package (not a zip archive, or a truncated one)"
        case let .noCollection(path):
            return "\(path): not an Anki package (no collection.anki21b, collection.anki21 or collection.anki2 in the zip)"
        case let .damagedEntry(path, entry, reason): return "\(path): zip entry \"\(entry)\" is damaged: \(reason)"
        case let .tooLarge(path, entry, reason): return "\(path): zip entry \"\(entry)\" refused: \(reason)"
        case let .truncatedZstd(path, entry): return "\(path): zip entry \"\(entry)\" is a truncated zstd frame"
        case let .badZstd(path, entry, reason): return "\(path): zip entry \"\(entry)\" is not valid zstd data: \(reason)"
        case let .badCollection(path, entry, reason): return "\(path): \(entry) is not a readable Anki collection: \(reason)"
        case let .unknownSchema(path, entry, version):
            return "\(path): \(entry) has collection schema \(version); recall reads schemas 11 and 18"
        case let .badMediaMap(path, reason): return "\(path): the media map is damaged: \(reason)"
        case let .badMeta(path, reason): return "\(path): the meta entry is damaged: \(reason)"
        case let .badNote(path, reason): return "\(path): \(reason)"
        }
    }
}
