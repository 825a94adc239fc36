import Foundation
@testable import RecallImport

/// Fixtures in Tests/Fixtures/import, found from this file's path.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("import")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// Parses a fixture file through the public API.
func parseFixture(_ name: String) throws -> ParsedSource {
    let reader = SourceReader()
    let files = try reader.read(Fixtures.path(name))
    return try reader.parse(files[0])
}

/// Parses Markdown (or CSV/TSV, by the name's extension) held in memory.
func parseText(_ text: String, name: String = "cards.md", deck: String? = nil) throws(ImportError) -> ParsedSource {
    try SourceReader().parse(SourceFile(path: name, contents: text, deck: deck))
}

/// A fresh temporary directory, removed by the caller with `cleanUp`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "recall-import-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, _ data: Data) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: full))
        return full
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: path) }
}
