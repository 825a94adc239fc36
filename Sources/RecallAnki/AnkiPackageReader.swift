import Foundation
import RecallStore
import SwiftProtobuf
import ZIPFoundation

/// An Anki package (`.apkg` deck or `.colpkg` whole collection) opened for reading: the zip, the
/// collection it holds (read into `AnkiCollection`) and its media, read one file at a time.
///
/// The package is untrusted input. Every entry is read with a cap on what it may decompress to
/// (`Limits`); the collection's SQLite is decompressed into a temporary file that is opened
/// read-only and removed when the reader goes.
public final class AnkiPackageReader {
    /// Caps on decompressed sizes: a package that claims more is refused, not read.
    public struct Limits: Sendable {
        /// The collection's SQLite file.
        public var collectionBytes: Int64 = 8 << 30
        /// A zstd-compressed entry may grow at most this many times its compressed size (or to
        /// `minimumAllowance`, whichever is more). Anki's own collections compress 5-30 times.
        public var zstdRatio: Int64 = 1000
        public var minimumAllowance: Int64 = 256 << 20
        /// One media file.
        public var mediaFileBytes: Int64 = 2 << 30
        /// The media map and `meta`.
        public var mapBytes: Int64 = 64 << 20

        public init() {}
    }

    /// The package's format, as `meta` says (or the collection file implies).
    public enum Version: Int, Sendable {
        case legacy1 = 1, legacy2 = 2, latest = 3
    }

    public let path: String
    public let version: Version
    /// The zip entry the collection was read from (`collection.anki21b`…).
    public let collectionEntry: String
    public private(set) var collection: AnkiCollection

    /// Hands the collection over and keeps only its media list (which `mediaData` reads from):
    /// an importer that has turned the notes, cards and revlog into recall's cards lets them go
    /// before the store write, which is when an import's memory peaks.
    public func takeCollection() -> AnkiCollection {
        let taken = collection
        collection = AnkiCollection(schemaVersion: taken.schemaVersion, createdAt: taken.createdAt, media: taken.media)
        return taken
    }
    private let archive: Archive
    private let limits: Limits
    private let temporaryFolder: URL

    public init(path: String, limits: Limits = Limits()) throws(AnkiPackageError) {
        self.path = path
        self.limits = limits
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotRead(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw .cannotRead(path: path, reason: "it is a folder") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw .cannotRead(path: path, reason: "permission denied") }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .notAZip(path: path)
        }
        self.archive = archive
        temporaryFolder = FileManager.default.temporaryDirectory.appendingPathComponent("recall-anki-\(UUID().uuidString)")
        let names = Set(archive.map(\.path))
        // The newest collection wins; Anki-written packages also hold a decoy collection.anki2.
        guard let entryName = ["collection.anki21b", "collection.anki21", "collection.anki2"].first(where: names.contains),
              let entry = archive[entryName]
        else { throw .noCollection(path: path) }
        collectionEntry = entryName
        var metaVersion: Version?
        if let meta = archive["meta"] {
            let data = try Self.read(entry: meta, from: archive, path: path, limit: limits.mapBytes)
            do {
                let message = try AnkiPackage_PackageMetadata(serializedBytes: data)
                metaVersion = Version(rawValue: message.version.rawValue)
            } catch {
                throw .badMeta(path: path, reason: "not a PackageMetadata message")
            }
        }
        version = metaVersion ?? (entryName == "collection.anki21b" ? .latest : entryName == "collection.anki21" ? .legacy2 : .legacy1)
        do {
            try FileManager.default.createDirectory(at: temporaryFolder, withIntermediateDirectories: true)
        } catch {
            throw .cannotRead(path: path, reason: "cannot create a temporary folder: \(error.localizedDescription)")
        }
        let collectionFile = temporaryFolder.appendingPathComponent("collection.sqlite")
        collection = AnkiCollection(schemaVersion: 0, createdAt: 0)
        do {
            try extractCollection(entry, to: collectionFile)
            collection = try AnkiCollectionReader.read(file: collectionFile.path, package: path, entry: entryName)
            collection.media = try readMediaMap()
        } catch {
            try? FileManager.default.removeItem(at: temporaryFolder)
            throw error
        }
        try? FileManager.default.removeItem(at: collectionFile)
    }

    deinit { try? FileManager.default.removeItem(at: temporaryFolder) }

    // MARK: Entries

    /// The bytes of a (small) entry, refusing one that declares or decompresses to more than
    /// `limit`, or more than it declares, or whose checksum does not match.
    static func read(entry: Entry, from archive: Archive, path: String, limit: Int64) throws(AnkiPackageError) -> Data {
        var data = Data()
        try stream(entry: entry, from: archive, path: path, limit: limit) { data.append($0) }
        return data
    }

    /// Streams an entry through `consumer` with the same checks as `read`.
    static func stream(entry: Entry, from archive: Archive, path: String, limit: Int64,
                       consumer: (Data) throws -> Void) throws(AnkiPackageError) {
        let declared = entry.uncompressedSize
        guard declared <= UInt64(limit) else {
            throw .tooLarge(path: path, entry: entry.path, reason: "it declares \(declared) bytes, more than the \(limit) recall accepts")
        }
        var produced: UInt64 = 0
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, skipCRC32: false) { chunk in
                produced += UInt64(chunk.count)
                // A zip bomb: the deflated data makes more than the entry's declared size.
                if produced > declared { throw BombError() }
                try consumer(chunk)
            }
        } catch is BombError {
            throw .tooLarge(path: path, entry: entry.path,
                            reason: "it decompresses to more than the \(declared) bytes it declares (a zip bomb?)")
        } catch let error as AnkiPackageError {
            throw error
        } catch {
            throw .damagedEntry(path: path, entry: entry.path, reason: "\(error)")
        }
        guard produced == declared else {
            throw .damagedEntry(path: path, entry: entry.path, reason: "it holds \(produced) bytes but declares \(declared) (truncated?)")
        }
        guard checksum == entry.checksum else { throw .damagedEntry(path: path, entry: entry.path, reason: "its checksum does not match") }
    }

    private struct BombError: Error {}

    /// The allowance for a zstd entry of `compressed` bytes (`Limits`).
    private func zstdLimit(compressed: Int, cap: Int64) -> Int {
        Int(min(cap, max(limits.minimumAllowance, Int64(compressed) * limits.zstdRatio)))
    }

    private func extractCollection(_ entry: Entry, to file: URL) throws(AnkiPackageError) {
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = try? FileHandle(forWritingTo: file)
        else { throw .cannotRead(path: path, reason: "cannot write a temporary file in \(temporaryFolder.path)") }
        defer { try? handle.close() }
        if collectionEntry == "collection.anki21b" {
            // zstd-compressed SQLite: the compressed bytes in memory, the SQLite streamed to disk.
            let compressed = try Self.read(entry: entry, from: archive, path: path, limit: limits.collectionBytes)
            let limit = zstdLimit(compressed: compressed.count, cap: limits.collectionBytes)
            do {
                try Zstd.decompress(compressed, limit: limit) { bytes in try handle.write(contentsOf: Data(bytes)) }
            } catch {
                throw zstdError(error, entry: entry.path)
            }
        } else {
            try Self.stream(entry: entry, from: archive, path: path, limit: limits.collectionBytes) { chunk in
                try handle.write(contentsOf: chunk)
            }
        }
    }

    private func zstdError(_ error: Error, entry: String) -> AnkiPackageError {
        switch error {
        case let failure as Zstd.Failure:
            switch failure {
            case .truncated: return .truncatedZstd(path: path, entry: entry)
            case let .invalid(reason): return .badZstd(path: path, entry: entry, reason: reason)
            case let .tooLarge(limit):
                return .tooLarge(path: path, entry: entry, reason: "it decompresses to more than \(limit) bytes (a zstd bomb?)")
            }
        case let error as AnkiPackageError: return error
        default: return .cannotRead(path: path, reason: "\(error)")
        }
    }

    // MARK: Media

    /// The media map: legacy JSON `{"0": "name.png"}`, or (modern) zstd protobuf `MediaEntries`,
    /// the i-th entry in zip entry "i". Entries the zip does not hold are left out.
    private func readMediaMap() throws(AnkiPackageError) -> [AnkiMediaFile] {
        guard let entry = archive["media"] else { return [] }
        var data = try Self.read(entry: entry, from: archive, path: path, limit: limits.mapBytes)
        if Zstd.isZstd(data) || version == .latest {
            do {
                data = try Zstd.decompress(data, limit: Int(limits.mapBytes))
            } catch {
                throw zstdError(error, entry: "media")
            }
            let entries: AnkiPackage_MediaEntries
            do {
                entries = try AnkiPackage_MediaEntries(serializedBytes: data)
            } catch {
                throw .badMediaMap(path: path, reason: "not a MediaEntries message")
            }
            var files: [AnkiMediaFile] = []
            for (index, item) in entries.entries.enumerated() {
                let zipName = item.hasLegacyZipFilename ? String(item.legacyZipFilename) : String(index)
                guard archive[zipName] != nil else { continue }
                files.append(AnkiMediaFile(name: item.name, zipEntry: zipName, size: Int(item.size),
                                           sha1: item.sha1.isEmpty ? nil : [UInt8](item.sha1)))
            }
            return files
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .badMediaMap(path: path, reason: "not a JSON object of zip entry names to file names")
        }
        var files: [AnkiMediaFile] = []
        for key in object.keys.sorted(by: { (Int($0) ?? .max, $0) < (Int($1) ?? .max, $1) }) {
            guard let name = object[key] as? String else {
                throw .badMediaMap(path: path, reason: "entry \"\(key)\" does not name a file")
            }
            guard let zipEntry = archive[key] else { continue }
            files.append(AnkiMediaFile(name: name, zipEntry: key, size: Int(clamping: zipEntry.uncompressedSize)))
        }
        return files
    }

    /// The content of a media file, decompressed, checked against the size the package declares.
    public func mediaData(_ file: AnkiMediaFile) throws(AnkiPackageError) -> Data {
        guard let entry = archive[file.zipEntry] else {
            throw .badMediaMap(path: path, reason: "zip entry \"\(file.zipEntry)\" is missing")
        }
        let raw = try Self.read(entry: entry, from: archive, path: path, limit: limits.mediaFileBytes)
        guard version == .latest, Zstd.isZstd(raw) else { return raw }
        // Modern media files are zstd; the map declares their real size.
        let declared = Int64(file.size)
        guard declared <= limits.mediaFileBytes else {
            throw .tooLarge(path: path, entry: file.zipEntry, reason: "it declares \(declared) bytes, more than the \(limits.mediaFileBytes) recall accepts")
        }
        let data: Data
        do {
            data = try Zstd.decompress(raw, limit: Int(declared))
        } catch Zstd.Failure.tooLarge {
            throw .tooLarge(path: path, entry: file.zipEntry,
                            reason: "it decompresses to more than the \(declared) bytes the media map declares (a zstd bomb?)")
        } catch {
            throw zstdError(error, entry: file.zipEntry)
        }
        return data
    }
}
