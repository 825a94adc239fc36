import Foundation

/// A fresh folder under the system temporary directory, removed when the value goes away.
/// Swift may end a local's lifetime at its last use, so tests that keep a store open in the
/// folder extend it with `defer { withExtendedLifetime(folder) {} }`.
final class TemporaryFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("recall-store-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// Bytes and modification time of a file, to prove that refusing it touched nothing.
struct FileFingerprint: Equatable {
    let bytes: Data
    let modified: Date?

    init(_ path: String) throws {
        bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }
}
