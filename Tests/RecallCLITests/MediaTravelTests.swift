import Foundation
import RecallModel
import RecallStore
import Testing

/// Issue 12, media: pictures that banks bring, and media that travels with `recall export`,
/// `recall import deck.json` and `recall sync`, through the built binary and real folders.
@Suite struct MediaTravelTests {
    /// A bank folder `bank/` with `b.md` showing `img/a.png` (the fixture picture), and a
    /// picture outside it; returns the bank file's path and the picture's bytes.
    func makeBank(in sandbox: RecallSandbox, extra: String = "") throws -> (bank: String, picture: Data) {
        let picture = try mediaFixture("picture.png")
        try FileManager.default.createDirectory(atPath: sandbox.path("bank/img"), withIntermediateDirectories: true)
        try picture.write(to: URL(fileURLWithPath: sandbox.path("bank/img/a.png")))
        try picture.write(to: URL(fileURLWithPath: sandbox.path("outside.png")))
        let bank = sandbox.path("bank/b.md")
        try Data("# Bank\n\n## Which colours?\n\n![chart](img/a.png)\n\(extra)".utf8).write(to: URL(fileURLWithPath: bank))
        return (bank, picture)
    }

    /// A store that imported `makeBank`'s bank; returns it and the picture's bytes.
    func storeWithImportedBank() throws -> (RecallSandbox, Data) {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let (bank, picture) = try makeBank(in: sandbox)
        try sandbox.ok(["import", bank])
        return (sandbox, picture)
    }

    var pictureName: String { "a-" + SHA256.hex(of: (try? mediaFixture("picture.png")) ?? Data()).prefix(8) + ".png" }

    /// The files in a store's media folder, by name (hash), with their bytes.
    func mediaFolder(of sandbox: RecallSandbox) -> [String: Data] {
        let folder = sandbox.path("store/recall.media")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return Dictionary(uniqueKeysWithValues: names.filter { !$0.hasPrefix(".") }.map {
            ($0, FileManager.default.contents(atPath: folder + "/" + $0) ?? Data())
        })
    }

    func object(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func aBankBringsItsPicturesAndNothingFromOutsideItsFolder() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let (bank, picture) = try makeBank(in: sandbox, extra: """

            ## Outside?

            See ![a](../outside.png), ![b](\(sandbox.path("outside.png"))), ![c](img/link.png) and ![d](img/none.png)

            """)
        symlink(sandbox.path("outside.png"), sandbox.path("bank/img/link.png"))
        let result = try sandbox.run(["import", bank])
        #expect(result.status == 0)
        // Warnings go with the import's summary, each at its card's line.
        #expect(result.stdout.contains("warning: \(bank):7: picture ../outside.png is outside the bank's folder; left as written"))
        #expect(result.stdout.contains("picture img/link.png is outside the bank's folder"))
        #expect(result.stdout.contains("picture \(sandbox.path("outside.png")) is outside the bank's folder"))
        #expect(result.stdout.contains("picture img/none.png not found"))
        // One file, stored by its hash; the card names it by its stored name.
        #expect(mediaFolder(of: sandbox) == [SHA256.hex(of: picture): picture])
        let shown = try sandbox.ok(["show", "1"])
        #expect(shown.contains("Back:\n[image: \(pictureName)]"))
        #expect(try sandbox.ok(["show", "2"]).contains("[image: ../outside.png]"))

        // A changed picture is new content under a new name: the card is updated, the old file stays.
        let edited = try mediaFixture("picture.gif")
        try edited.write(to: URL(fileURLWithPath: sandbox.path("bank/img/a.png")))
        #expect(try sandbox.ok(["import", bank]).contains("1 updated"))
        #expect(try sandbox.ok(["show", "1"]).contains("[image: a-\(SHA256.hex(of: edited).prefix(8)).png]"))
        #expect(mediaFolder(of: sandbox).count == 2)
    }

    @Test func aCSVBanksHTMLPictureIsBroughtAndAnEditedPictureReachesItsCard() throws {
        let sandbox = RecallSandbox()
        try sandbox.ok(["init", "--empty"])
        let picture = try mediaFixture("picture.jpg")
        try FileManager.default.createDirectory(atPath: sandbox.path("bank/img"), withIntermediateDirectories: true)
        try picture.write(to: URL(fileURLWithPath: sandbox.path("bank/img/a.jpg")))
        let bank = sandbox.path("bank/cards.csv")
        try Data("front,back\nWhat is shown?,\"<img src=\"\"img/a.jpg\"\">\"\n".utf8).write(to: URL(fileURLWithPath: bank))
        try sandbox.ok(["import", bank])
        #expect(try sandbox.ok(["show", "1"]).contains("[image: a-\(SHA256.hex(of: picture).prefix(8)).jpg]"))
        #expect(mediaFolder(of: sandbox) == [SHA256.hex(of: picture): picture])
        // Nothing else changed in the bank: the import still sees the new picture.
        let edited = try mediaFixture("picture.png")
        try edited.write(to: URL(fileURLWithPath: sandbox.path("bank/img/a.jpg")))
        #expect(try sandbox.ok(["import", bank]).contains("1 updated"))
        #expect(try sandbox.ok(["show", "1"]).contains("[image: a-\(SHA256.hex(of: edited).prefix(8)).jpg]"))
    }

    @Test func exportWritesTheMediaBesideTheFileAndImportBringsThemBack() throws {
        let (first, picture) = try storeWithImportedBank()
        try FileManager.default.createDirectory(atPath: first.path("out"), withIntermediateDirectories: true)
        let out = try first.ok(["export", "-o", first.path("out/deck.json")])
        #expect(out.hasSuffix(", and 1 media file to \(first.path("out/media"))\n"))
        let hash = SHA256.hex(of: picture)
        #expect(FileManager.default.contents(atPath: first.path("out/media/\(hash)")) == picture)
        let media = try #require(try object(first.path("out/deck.json"))["media"] as? [[String: Any]])
        #expect(media.count == 1)
        #expect(media.first?["name"] as? String == pictureName)
        #expect(media.first?["sha256"] as? String == hash)
        #expect(media.first?["size"] as? Int == picture.count)
        // Standard output cannot carry files: it says so.
        let piped = try first.run(["export"])
        #expect(piped.stdout.contains("\"media\": ["))
        #expect(piped.stderr.contains("listed in the export but not written"))

        let second = RecallSandbox()
        try second.ok(["import", first.path("out/deck.json")])
        #expect(mediaFolder(of: second) == [hash: picture])
        let store = try Store(path: second.dbPath)
        #expect(try store.allMedia() == [MediaFile(name: pictureName, sha256: hash, size: picture.count)])
        // And out again: the same bytes.
        try FileManager.default.createDirectory(atPath: second.path("again"), withIntermediateDirectories: true)
        try second.ok(["export", "-o", second.path("again/deck.json")])
        #expect(try Data(contentsOf: URL(fileURLWithPath: second.path("again/deck.json")))
            == Data(contentsOf: URL(fileURLWithPath: first.path("out/deck.json"))))
    }

    @Test func aMissingOrDamagedMediaFileIsAWarningAndTheCardsStillImport() throws {
        let (first, picture) = try storeWithImportedBank()
        try FileManager.default.createDirectory(atPath: first.path("out"), withIntermediateDirectories: true)
        try first.ok(["export", "-o", first.path("out/deck.json")])
        let hash = SHA256.hex(of: picture)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: first.path("out/media/\(hash)")))

        let second = RecallSandbox()
        let damaged = try second.run(["import", first.path("out/deck.json")])
        #expect(damaged.status == 0)
        #expect(damaged.stderr.contains("media \(pictureName) in \(first.path("out/media")) does not match its hash; not taken"))
        #expect(try second.ok(["show", "1"]).contains("[image: \(pictureName)]"))
        #expect(mediaFolder(of: second).isEmpty)

        try FileManager.default.removeItem(atPath: first.path("out/media/\(hash)"))
        let third = RecallSandbox()
        let missing = try third.run(["import", first.path("out/deck.json")])
        #expect(missing.status == 0)
        #expect(missing.stderr.contains("media \(pictureName) is not in"))
        #expect(try third.ok(["list"]).contains("Which colours?"))
    }

    @Test func mediaNamesInADeckFileCannotLeaveTheMediaFolder() throws {
        let picture = try mediaFixture("picture.png")
        let hash = SHA256.hex(of: picture)
        let sandbox = RecallSandbox()
        try FileManager.default.createDirectory(atPath: sandbox.path("in/media"), withIntermediateDirectories: true)
        try picture.write(to: URL(fileURLWithPath: sandbox.path("in/media/\(hash)")))
        func deckFile(mediaName: String, sha: String = hash) -> String {
            """
            {"decks": [{"cards": [{"back": "![](\(mediaName))", "created": "2026-11-25T12:00:00.000Z", "front": "q",
              "id": "c1", "kind": "basic", "modified": "2026-11-25T12:00:00.000Z", "note": "n1", "ordinal": 1, "tags": []}],
              "config": {}, "id": "d1", "modified": "2026-11-25T12:00:00.000Z", "name": "D",
              "renamed": "2026-11-25T12:00:00.000Z"}],
             "format": "recall-deck",
             "media": [{"name": \(String(reflecting: mediaName)), "sha256": "\(sha)", "size": \(picture.count)}],
             "tombstones": [], "version": 2}
            """
        }
        try Data(deckFile(mediaName: "../../evil.png").utf8).write(to: URL(fileURLWithPath: sandbox.path("in/deck.json")))
        try sandbox.ok(["import", sandbox.path("in/deck.json")])
        let store = try Store(path: sandbox.dbPath)
        #expect(try store.allMedia().map(\.name) == ["evil.png"])
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("evil.png")))
        #expect(!FileManager.default.fileExists(atPath: sandbox.path("store/evil.png")))
        #expect(mediaFolder(of: sandbox) == [hash: picture])

        // A name that is nothing but a way out, or a hash that is a path, refuses the file: one line, store unchanged.
        let before = try sandbox.ok(["export"])
        for (name, sha) in [("..", hash), ("x.png", "../../../../etc/passwd"), ("x.png", String(hash.uppercased()))] {
            try Data(deckFile(mediaName: name, sha: sha).utf8).write(to: URL(fileURLWithPath: sandbox.path("in/bad.json")))
            let error = try sandbox.fails(["import", sandbox.path("in/bad.json")])
            #expect(error.contains("media[0]"))
            #expect(try sandbox.ok(["export"]) == before)
        }
    }

    @Test func linksInTheSyncFoldersMediaAreNotFollowed() throws {
        let (first, picture) = try storeWithImportedBank()
        let folder = first.path("shared")
        try first.ok(["sync", folder])
        let hash = SHA256.hex(of: picture)
        // Someone with write access to the folder swaps the file for a link (here to the same bytes,
        // which would pass the hash check: a link to a device or a pipe would not end).
        try FileManager.default.removeItem(atPath: folder + "/media/\(hash)")
        symlink(first.path("outside.png"), folder + "/media/\(hash)")
        let second = RecallSandbox()
        try second.ok(["init", "--empty"])
        let result = try second.run(["sync", folder])
        #expect(result.status == 0)
        #expect(result.stdout.contains("is not a regular file of at most 512 MB; not taken")
            || result.stderr.contains("is not a regular file of at most 512 MB; not taken"))
        #expect(mediaFolder(of: second).isEmpty)
        #expect(try second.ok(["show", "1"]).contains("[image: \(pictureName)]"))
    }

    @Test func twoStoresSyncingThroughAFolderSeeTheSamePicture() throws {
        let (first, picture) = try storeWithImportedBank()
        let folder = first.path("shared")
        try first.ok(["sync", folder])
        let hash = SHA256.hex(of: picture)
        #expect(FileManager.default.contents(atPath: folder + "/media/\(hash)") == picture)

        let second = RecallSandbox(now: "2026-11-26T12:00:00Z")
        try second.ok(["init", "--empty"])
        try second.ok(["sync", folder])
        #expect(mediaFolder(of: second) == [hash: picture])
        #expect(try second.ok(["show", "1"]).contains("[image: \(pictureName)]"))
        // Both export the same bytes, media list included, whichever synced last.
        try first.ok(["sync", folder])
        try second.ok(["sync", folder])
        #expect(try first.ok(["export"]) == second.ok(["export"]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/media") == [hash])

        // A picture whose file had not arrived when its card did is taken on a later sync.
        let third = RecallSandbox(now: "2026-11-26T12:00:00Z")
        try third.ok(["init", "--empty"])
        try FileManager.default.moveItem(atPath: folder + "/media/\(hash)", toPath: first.path("held"))
        let early = try third.run(["sync", folder])
        #expect(early.status == 0)
        #expect(mediaFolder(of: third).isEmpty)
        try FileManager.default.moveItem(atPath: first.path("held"), toPath: folder + "/media/\(hash)")
        try third.ok(["sync", folder])
        #expect(mediaFolder(of: third) == [hash: picture])

        // And the second machine's review screen draws it.
        let child = try second.startReview(environment: ["RECALL_IMAGES": "symbols"])
        try child.waitFor("Which colours?")
        try child.press(" ", until: "answer")
        try child.waitForScreen("picture rows") { screen in
            (3..<21).contains { row in screen.line(row).unicodeScalars.contains { (0x2580...0x259F).contains($0.value) } }
        }
        #expect(!child.screen.contains("[image:"))
        try child.write("q")
        try child.waitForExit()
    }
}
