import Foundation
import RecallStore
import Testing

@Suite struct MediaTests {
    private func temporaryStore() throws -> Store {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("media-\(UUID().uuidString)").path
        return try Store(path: folder + "/recall.sqlite")
    }

    @Test func theSameContentIsStoredOnceWhateverItsNames() throws {
        let store = try temporaryStore()
        let first = try store.saveMediaContent(Data("picture".utf8))
        let second = try store.saveMediaContent(Data("picture".utf8))
        #expect(first == second)
        try store.write {
            try store.recordMedia(name: "a.png", sha256: first, size: 7, at: 0)
            try store.recordMedia(name: "b.png", sha256: second, size: 7, at: 0)
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: store.mediaFolder).filter { !$0.hasPrefix(".") }
        #expect(files == [first])
        #expect(try store.allMedia().map(\.name) == ["a.png", "b.png"])
    }

    @Test func aNameTakenByOtherContentGivesTheNewFileAFreeName() throws {
        let store = try temporaryStore()
        let red = try store.saveMediaContent(Data("red".utf8))
        let blue = try store.saveMediaContent(Data("blue".utf8))
        let names = try store.write {
            [try store.recordMedia(name: "square.png", sha256: red, size: 3, at: 0),
             try store.recordMedia(name: "square.png", sha256: blue, size: 4, at: 0)]
        }
        #expect(names == ["square.png", "square-2.png"])
        #expect(try store.media(named: "square-2.png")?.sha256 == blue)
    }

    @Test func unsafeNamesLoseTheirPathsAndControlCharacters() {
        #expect(Store.safeMediaName("../../etc/passwd") == "passwd")
        #expect(Store.safeMediaName("/abs/x.png") == "x.png")
        #expect(Store.safeMediaName("a\u{1b}[31mb.png") == "a[31mb.png")
        #expect(Store.safeMediaName("..") == nil)
        #expect(Store.safeMediaName("") == nil)
    }
}
