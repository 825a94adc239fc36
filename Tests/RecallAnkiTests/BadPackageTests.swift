import CZstd
import Foundation
import RecallAnki
import RecallModel
import RecallStore
import Testing

/// Damaged and hostile packages: each is refused with one line naming what is wrong, and the
/// store stays exactly as it was.
@Suite struct BadPackageTests {
    /// Imports `path` into a store that already holds basic.apkg, expecting `check` of the error;
    /// the store must be unchanged afterwards.
    func refuses(_ path: String, limits: AnkiPackageReader.Limits = AnkiPackageReader.Limits(), folder: TemporaryFolder,
                 _ check: (AnkiPackageError) -> Bool) throws {
        let store = try folder.store()
        _ = try AnkiImporter.run(path: Fixture.path("basic.apkg"), into: store, deckPrefix: nil, dryRun: false,
                                 now: Fixture.exportDay, timeZone: Fixture.utc)
        let before = try store.everything()
        let mediaBefore = (try? FileManager.default.contentsOfDirectory(atPath: store.mediaFolder)) ?? []
        do {
            _ = try AnkiImporter.run(path: path, into: store, deckPrefix: nil, dryRun: false, now: Fixture.exportDay,
                                     timeZone: Fixture.utc, limits: limits)
            Issue.record("\(path) was imported")
        } catch let error as AnkiPackageError {
            #expect(check(error), "\(error)")
            #expect(!error.description.contains("\n"))
            #expect(error.description.hasPrefix(path))
        }
        #expect(try store.everything() == before)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: store.mediaFolder)) ?? []) == mediaBefore)
    }

    static func compress(_ data: Data, declaringSize: Bool = true) -> Data {
        guard let context = ZSTD_createCCtx() else { return Data() }
        defer { ZSTD_freeCCtx(context) }
        ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, declaringSize ? 1 : 0)
        var output = [UInt8](repeating: 0, count: ZSTD_compressBound(data.count))
        let size = data.withUnsafeBytes { input in
            ZSTD_compress2(context, &output, output.count, input.baseAddress, input.count)
        }
        return Data(output.prefix(ZSTD_isError(size) != 0 ? 0 : size))
    }

    @Test func aFileThatIsNotAZipIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("notes.apkg")
        try Data("just some text, not a package".utf8).write(to: URL(fileURLWithPath: path))
        try refuses(path, folder: folder) { $0 == .notAZip(path: path) }
    }

    @Test func aTruncatedZipIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("cut.apkg")
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path("generated/history.apkg")))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        try refuses(path, folder: folder) { $0 == .notAZip(path: path) }
    }

    @Test func aZipWithoutACollectionIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("empty.apkg")
        try PackageMaker.zip(path, [("media", Data("{}".utf8), false)])
        try refuses(path, folder: folder) { $0 == .noCollection(path: path) }
    }

    @Test func aTruncatedZstdCollectionIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("truncated-zstd.apkg")
        var entries = try PackageMaker.entries(of: Fixture.path("generated/history.apkg"))
        let index = try #require(entries.firstIndex { $0.0 == "collection.anki21b" })
        entries[index].1 = entries[index].1.prefix(entries[index].1.count / 2)
        try PackageMaker.zip(path, entries)
        try refuses(path, folder: folder) { $0 == .truncatedZstd(path: path, entry: "collection.anki21b") }
    }

    @Test func aDeflatedEntryThatMakesMoreThanItDeclaresIsRefusedAsAZipBomb() throws {
        let folder = TemporaryFolder()
        let path = folder.path("bomb.apkg")
        var entries = try PackageMaker.entries(of: Fixture.path("basic.apkg"))
        for index in entries.indices { entries[index].2 = entries[index].0 == "collection.anki2" }
        try PackageMaker.zip(path, entries)
        // Declare 1000 bytes for the 53248 the entry inflates to, in both headers.
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let name = Array("collection.anki2".utf8)
        for (signature, sizeOffset, nameOffset) in [([UInt8]([0x50, 0x4B, 0x03, 0x04]), 22, 30), ([0x50, 0x4B, 0x01, 0x02], 24, 46)] {
            for start in 0..<(bytes.count - nameOffset - name.count) where Array(bytes[start..<start + 4]) == signature
                && Array(bytes[start + nameOffset..<start + nameOffset + name.count]) == name {
                bytes.replaceSubrange(start + sizeOffset..<start + sizeOffset + 4, with: [0xE8, 0x03, 0, 0])
            }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try refuses(path, folder: folder) {
            if case let .tooLarge(_, entry, reason) = $0 { return entry == "collection.anki2" && reason.contains("zip bomb") }
            return false
        }
    }

    @Test(arguments: [true, false])
    func aZstdCollectionThatDecompressesBeyondTheCapIsRefused(declaringSize: Bool) throws {
        let folder = TemporaryFolder()
        let path = folder.path("zstd-bomb.apkg")
        var entries = try PackageMaker.entries(of: Fixture.path("generated/history.apkg"))
        let index = try #require(entries.firstIndex { $0.0 == "collection.anki21b" })
        entries[index].1 = Self.compress(Data(count: 4 << 20), declaringSize: declaringSize)
        try PackageMaker.zip(path, entries)
        var limits = AnkiPackageReader.Limits()
        limits.minimumAllowance = 1 << 20
        limits.zstdRatio = 10
        try refuses(path, limits: limits, folder: folder) {
            if case let .tooLarge(_, entry, reason) = $0 { return entry == "collection.anki21b" && reason.contains("zstd bomb") }
            return false
        }
    }

    @Test func aZstdMediaFileLargerThanItsMediaMapSaysIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("media-bomb.apkg")
        var entries = try PackageMaker.entries(of: Fixture.path("generated/history.apkg"))
        // Entry "0" is declared (in the media map) at its real size; make it far more.
        let index = try #require(entries.firstIndex { $0.0 == "0" })
        entries[index].1 = Self.compress(Data(count: 1 << 20), declaringSize: false)
        try PackageMaker.zip(path, entries)
        try refuses(path, folder: folder) {
            if case let .tooLarge(_, entry, reason) = $0 { return entry == "0" && reason.contains("media map declares") }
            return false
        }
    }

    @Test func anUnknownCollectionSchemaIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("schema99.apkg")
        try PackageMaker.changedCollection(of: Fixture.path("basic.apkg"), to: path, folder: folder, sql: "UPDATE col SET ver = 99")
        try refuses(path, folder: folder) { $0 == .unknownSchema(path: path, entry: "collection.anki2", version: 99) }
    }

    @Test func aCollectionThatIsNotSQLiteIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("not-sqlite.apkg")
        try PackageMaker.zip(path, [("collection.anki2", Data(repeating: 0x41, count: 4096), false)])
        try refuses(path, folder: folder) {
            if case let .badCollection(_, entry, _) = $0 { return entry == "collection.anki2" }
            return false
        }
    }

    @Test func aNoteWhoseFieldsDoNotMatchItsNoteTypeIsRefused() throws {
        let folder = TemporaryFolder()
        let path = folder.path("fields.apkg")
        try PackageMaker.changedCollection(of: Fixture.path("reverse.apkg"), to: path, folder: folder,
                                           sql: "UPDATE notes SET flds = 'one' || char(31) || 'two' || char(31) || 'three' WHERE id = (SELECT min(id) FROM notes)")
        try refuses(path, folder: folder) {
            if case let .badNote(_, reason) = $0 { return reason.contains("has 3 fields") && reason.contains("has 2") }
            return false
        }
    }

    @Test func mediaNamesWithPathsAreMadeSafeAndStayInTheMediaFolder() throws {
        let folder = TemporaryFolder()
        let path = folder.path("traversal.apkg")
        var entries = try PackageMaker.entries(of: Fixture.path("media.apkg"))
        let index = try #require(entries.firstIndex { $0.0 == "media" })
        entries[index].1 = Data(#"{"0": "../../evil.png", "1": "/etc/cron.d/beep.mp3"}"#.utf8)
        try PackageMaker.zip(path, entries)
        let store = try folder.store()
        let report = try AnkiImporter.run(path: path, into: store, deckPrefix: nil, dryRun: false, now: Fixture.exportDay,
                                          timeZone: Fixture.utc)
        #expect(Set(try store.allMedia().map(\.name)) == ["evil.png", "beep.mp3"])
        #expect(report.mediaRenamed.map(\.to).sorted() == ["beep.mp3", "evil.png"])
        #expect(!FileManager.default.fileExists(atPath: folder.url.deletingLastPathComponent().appendingPathComponent("evil.png").path))
        let files = try FileManager.default.contentsOfDirectory(atPath: store.mediaFolder)
        #expect(files.count == 2 && files.allSatisfy { $0.count == 64 })
    }
}
