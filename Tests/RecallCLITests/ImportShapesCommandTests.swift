import Foundation
import Testing

/// Issue 11 end to end, from the built binary: card syntaxes and bank shapes found on real files.
@Suite struct ImportShapesCommandTests {
    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func fronts(_ sandbox: RecallSandbox) throws -> [String] {
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        return list.compactMap { $0["front"] as? String }.sorted()
    }

    @Test func aStrayAnswerLineWarnsWithItsLineAndTheFolderIsStillImported() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        try write("Q: What is a goroutine?\nA: A lightweight thread.\n\nA: Stray.\n", to: sandbox.path("banks/go.md"))
        try write("Q: What is a trait?\nA: A set of methods.\n", to: sandbox.path("banks/rust.md"))
        let result = try sandbox.run(["import", sandbox.path("banks")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("go.md:4: answer without a question (Q: … A:); it makes no card"))
        #expect(try fronts(sandbox) == ["What is a goroutine?", "What is a trait?"])
    }

    @Test func anObsidianNoteGivesItsCardsAndNoSchedulingComments() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let path = RecallSandbox.fixtures.appendingPathComponent("import/real/st3v3nmw-obsidian-spaced-repetition.md").path
        let out = try sandbox.ok(["import", path])
        #expect(out.contains("39 notes"))
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        for card in list {
            let text = "\(card["front"] ?? "") \(card["back"] ?? "")"
            #expect(!text.contains("<!--SR") && !text.contains("#course/"), "\(text)")
        }
    }
}
