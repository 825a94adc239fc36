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

    @Test func aFolderOfOneQuestionFilesKeepsProgressWhenItsFilesAreEdited() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let closure = "# What is a closure?\n\nA function with the variables it captured.\n"
        try write("---\ntitle: Installing recall\n---\n\nBuild it with SwiftPM.\n\n## Linux\n\nswift build\n",
                  to: sandbox.path("site/docs/install.md"))
        try write(closure, to: sandbox.path("site/docs/closure.md"))
        try write("# Generators\n\nFunctions that `yield` values lazily.\n", to: sandbox.path("site/docs/generators.md"))
        let first = try sandbox.ok(["import", sandbox.path("site/docs")])
        #expect(first.contains("3 added"))
        #expect(try fronts(sandbox) == ["Generators", "Installing recall", "What is a closure?"])
        let list = try #require(try sandbox.json(["list", "--json"]) as? [[String: Any]])
        let id = try #require(list.first { $0["front"] as? String == "What is a closure?" }?["short_id"] as? Int).description
        try sandbox.ok(["answer", id, "good"])
        // The answer edited: the same card, with its review.
        try write(closure.replacingOccurrences(of: "captured.", with: "captured from its scope."), to: sandbox.path("site/docs/closure.md"))
        #expect(try sandbox.ok(["import", sandbox.path("site/docs")]).contains("0 added, 1 updated, 2 unchanged"))
        let card = try #require(try sandbox.json(["show", id, "--json"]) as? [String: Any])
        #expect(card["back"] as? String == "A function with the variables it captured from its scope.")
        #expect((card["reviews"] as? [Any])?.count == 1)
        // The title edited: the same card again.
        try write("# What is a closure in Python?\n\nA function with the variables it captured from its scope.\n",
                  to: sandbox.path("site/docs/closure.md"))
        #expect(try sandbox.ok(["import", sandbox.path("site/docs")]).contains("0 added, 1 updated, 2 unchanged"))
        let renamed = try #require(try sandbox.json(["show", id, "--json"]) as? [String: Any])
        #expect(renamed["front"] as? String == "What is a closure in Python?")
        #expect((renamed["reviews"] as? [Any])?.count == 1)
    }
}
