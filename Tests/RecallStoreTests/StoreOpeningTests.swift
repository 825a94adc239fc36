import CSQLite
import Foundation
import Testing
@testable import RecallStore

@Suite struct StoreOpeningTests {
    @Test func migrationsAreEmbeddedInOrder() {
        #expect(!Migration.all.isEmpty)
        #expect(Migration.all.map(\.version) == Array(1...Migration.all.count))
        #expect(Migration.all.first?.name == "0001_initial")
    }

    @Test func openingCreatesTheFileAndMissingFolders() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("a/b/c/recall.sqlite")
        let store = try Store(path: path)
        #expect(store.isNew)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.db.scalarInt("PRAGMA application_id") == Int64(Store.applicationID))
        #expect(try store.db.scalarInt("PRAGMA user_version") == Int64(Migration.latestVersion))
        #expect(try store.db.row("PRAGMA journal_mode") { $0.textValue(0) } == "wal")
        #expect(try store.db.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try store.db.scalarInt("PRAGMA busy_timeout")! >= 5000)
        #expect(try store.db.scalarInt("PRAGMA synchronous") == 1)  // NORMAL
        #expect(try store.setting("device_id")?.count == 16)
    }

    @Test func reopeningKeepsTheStoreAndDoesNotMigrateAgain() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("recall.sqlite")
        let deviceID = try Store(path: path).setting("device_id")
        let again = try Store(path: path)
        #expect(!again.isNew)
        #expect(try again.setting("device_id") == deviceID)
    }

    @Test func anEmptyFileIsRefusedUntouchedUnlessInitialising() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("empty.sqlite")
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: StoreError.emptyStoreFile(path: path)) { try Store(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let store = try Store(path: path, initialisingEmpty: true)
        #expect(store.isNew)
        #expect(try store.db.scalarInt("PRAGMA application_id") == Int64(Store.applicationID))
    }

    @Test func aSQLiteDatabaseOfAnotherProgramIsRefusedUntouched() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("other.db")
        do {
            let other = try Database(path: path)
            try other.execute("CREATE TABLE photos(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO photos(name) VALUES ('cat')")
        }
        let before = try FileFingerprint(path)
        Thread.sleep(forTimeInterval: 0.01)
        #expect(throws: StoreError.notRecallStore(path: path)) { try Store(path: path) }
        #expect(try FileFingerprint(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        #expect(StoreError.notRecallStore(path: path).description.contains("is not a recall store"))
    }

    @Test func aStoreWithANewerSchemaIsRefusedUntouched() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("future.sqlite")
        do {
            let store = try Store(path: path)
            try store.db.execute("PRAGMA journal_mode = DELETE")
            try store.db.execute("PRAGMA user_version = \(Migration.latestVersion + 5)")
        }
        let before = try FileFingerprint(path)
        let expected = StoreError.newerSchema(path: path, found: Migration.latestVersion + 5, supported: Migration.latestVersion)
        #expect(throws: expected) { try Store(path: path) }
        #expect(expected.description.contains("made by a newer recall, schema \(Migration.latestVersion + 5) > \(Migration.latestVersion)"))
        #expect(try FileFingerprint(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test(arguments: [
        Data("just some notes\n".utf8),
        Data([0x00, 0xFF, 0x13, 0x37]),
        Data(repeating: 0x41, count: 4096),
        Data("SQLite format 3".utf8),  // a truncated header
    ])
    func aFileThatIsNotSQLiteIsRefusedUntouched(contents: Data) throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.path("notes.txt")
        _ = FileManager.default.createFile(atPath: path, contents: contents)
        let before = try FileFingerprint(path)
        #expect(throws: StoreError.notSQLite(path: path)) { try Store(path: path) }
        #expect(try FileFingerprint(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }

    @Test func aDirectoryIsRefused() throws {
        let folder = TemporaryFolder()
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: StoreError.cannotCreate(path: folder.url.path, reason: "it is a directory")) {
            try Store(path: folder.url.path)
        }
    }

    @Test func pathResolutionPrefersOptionThenEnvironmentThenXDG() {
        #expect(Store.resolvePath(option: "/x.sqlite", environment: ["RECALL_DB": "/y.sqlite"]) == "/x.sqlite")
        #expect(Store.resolvePath(option: nil, environment: ["RECALL_DB": "/y.sqlite", "XDG_DATA_HOME": "/d"]) == "/y.sqlite")
        #expect(Store.resolvePath(option: nil, environment: ["XDG_DATA_HOME": "/d"]) == "/d/recall/recall.sqlite")
        #expect(Store.resolvePath(option: nil, environment: ["HOME": "/home/u"]) == "/home/u/.local/share/recall/recall.sqlite")
        #expect(Store.resolvePath(option: nil, environment: ["HOME": "/home/u", "XDG_DATA_HOME": ""]) == "/home/u/.local/share/recall/recall.sqlite")
    }
}
