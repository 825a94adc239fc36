#if canImport(Glibc)
import Glibc
#endif
import Foundation
import RecallModel
import RecallScheduler
import RecallStore
import RecallTerminal
import Testing

/// A picture from Tests/Fixtures/media (made by scripts/make-media-fixtures.py).
func mediaFixture(_ name: String) throws -> Data {
    try Data(contentsOf: RecallSandbox.fixtures.appendingPathComponent("media/\(name)"))
}

extension RecallSandbox {
    /// A sandbox whose store holds one card (`front`/`back`) and the media `files` (name → bytes),
    /// stored the way an import stores them.
    static func withMediaCard(front: String, back: String = "the answer", files: [String: Data]) throws -> RecallSandbox {
        let sandbox = try RecallSandbox.withCards([(front, back)])
        let store = try Store(path: sandbox.dbPath)
        let hashes = try files.mapValues { try store.saveMediaContent($0) }
        try store.write {
            for (name, data) in files {
                try store.recordMedia(name: name, sha256: hashes[name] ?? "", size: data.count, at: reviewNow)
            }
        }
        return sandbox
    }
}

/// Issue 12, media: pictures drawn on the review screen and sounds played from it, driven in a
/// real pseudo-terminal; a fake player (a shell script on PATH) records what it was asked to play.
@Suite struct MediaReviewTests {
    @Test func aPictureIsDrawnInColouredSymbolsUnderItsQuestion() throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "Which colours?\n\n![](chart.png)", files: ["chart.png": try mediaFixture("picture.png")])
        let child = try sandbox.startReview(environment: ["RECALL_IMAGES": "symbols", "NO_COLOR": ""])
        try child.waitFor("Which colours?")
        try child.waitForScreen("picture rows") { screen in
            (3..<21).contains { row in screen.line(row).unicodeScalars.contains { (0x2580...0x259F).contains($0.value) } }
        }
        // Truecolour cell colours come only from the picture; the marker is not shown.
        #expect(child.outputText.contains("8;2;"))
        #expect(!child.screen.contains("[image: chart.png]"))
        try child.write("q")
        try child.waitForExit()
    }

    @Test func kittyGetsOneGraphicsSequenceAndEachFrameClearsTheLastOnesPictures() throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "![](chart.png)", files: ["chart.png": try mediaFixture("picture.jpg")])
        let child = try sandbox.startReview(environment: ["RECALL_IMAGES": "kitty"])
        // Sent once with an id, then placed, at the first body row (3) after the margin, the cursor put back after it.
        try child.expect("\u{1B}7\u{1B}[3;2H\u{1B}_Ga=t,i=1,q=2,")
        try child.expect("\u{1B}_Ga=p,i=1,")
        let output = child.outputAfterEnteringFullScreen
        #expect(output.contains("show the answer"))
        #expect(output.contains("\u{1B}_Ga=d,q=2\u{1B}\\"))
        // The next frame (the answer shown) places the same picture without sending it again.
        let before = child.outputText.count
        try child.press(" ", until: "1 Again")
        try child.expect("\u{1B}_Ga=p,i=1,")
        let later = String(child.outputText.dropFirst(before))
        #expect(later.contains("\u{1B}_Ga=d,q=2\u{1B}\\"))
        #expect(!later.contains("\u{1B}_Ga=t"))
        try child.write("q")
        try child.waitForExit()
    }

    @Test(arguments: [("sixel", "\u{1B}P"), ("iterm", "\u{1B}]1337;File=")])
    func sixelAndITermPicturesAreDrawnOverTheirRowsAfterTheText(mode: String, start: String) throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "![](chart.png)", files: ["chart.png": try mediaFixture("picture.gif")])
        let child = try sandbox.startReview(environment: ["RECALL_IMAGES": mode])
        try child.expect("\u{1B}7\u{1B}[3;2H" + start)
        try child.expect("\u{1B}8")
        // After the status bar: nothing written later in the frame erases it.
        let frame = child.outputAfterEnteringFullScreen
        let picture = try #require(frame.range(of: "\u{1B}7\u{1B}[3;2H" + start))
        #expect(frame[..<picture.lowerBound].contains("q quit"))
        try child.write("q")
        try child.waitForExit()
    }

    @Test func aDamagedPictureAndAMissingOneAreNamedNotDrawn() throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "![](broken.png)\n\n![](gone.png)\n\n![](notes.png)",
            files: ["broken.png": try mediaFixture("corrupt.png"), "notes.png": try mediaFixture("text.png")])
        let child = try sandbox.startReview(environment: ["RECALL_IMAGES": "symbols"])
        try child.waitFor("[image: broken.png (unreadable)]")
        try child.waitFor("[image: gone.png]")
        try child.waitFor("[image: notes.png (unreadable)]")
        try child.write("q")
        try child.waitForExit()
    }

    @Test func withPicturesOffTheScreenNamesThem() throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "![a chart](chart.png)", files: ["chart.png": try mediaFixture("picture.png")])
        let child = try sandbox.startReview(environment: ["RECALL_IMAGES": "off"])
        try child.waitFor("[image: chart.png]")
        #expect(!child.outputText.contains("8;2;"))
        try child.write("q")
        try child.waitForExit()
    }

    @Test func pPlaysTheCardsSoundsInTurnWithTheFirstPlayerOnPath() throws {
        let sound = Data("RIFF fake wave".utf8)
        let sandbox = try RecallSandbox.withMediaCard(
            front: "Listen [sound:hello.mp3]", back: "then [sound:bye.mp3]",
            files: ["hello.mp3": sound, "bye.mp3": Data("other".utf8)])
        let bin = sandbox.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let log = sandbox.path("played.txt")
        // A real program standing in for mpv: it records its arguments and whether it has a terminal.
        try installProgram(named: "mpv", in: bin,
                           "#!/bin/sh\n[ -t 1 ] && echo TTY >> \"\(log)\"\necho \"$@\" >> \"\(log)\"\n", sandbox: sandbox)
        let child = try sandbox.startReview(environment: ["PATH": bin + ":/usr/bin:/bin", "RECALL_IMAGES": "off"])
        try child.waitFor("Listen ♪ hello.mp3")
        try child.waitFor("p play")
        try child.press("p", until: "playing hello.mp3 with mpv")
        let store = try sandbox.openStore()
        let hello = try #require(try store.media(named: "hello.mp3"))
        let bye = try #require(try store.media(named: "bye.mp3"))
        try waitForLines(log, count: 1)
        var lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["--no-video --really-quiet --no-terminal \(store.mediaContentPath(hello))"])
        // Revealed, the back's sound comes next, then the front's again.
        try child.press(" ", until: "then ♪ bye.mp3")
        try child.press("p", until: "playing bye.mp3 with mpv")
        try waitForLines(log, count: 2)
        lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.last.map(String.init) == "--no-video --really-quiet --no-terminal \(store.mediaContentPath(bye))")
        try child.write("q")
        try child.waitForExit()
    }

    @Test func withoutAPlayerTheScreenSaysSo() throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "Listen [sound:hello.mp3]", files: ["hello.mp3": Data("x".utf8)])
        let empty = sandbox.path("nothing")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let child = try sandbox.startReview(environment: ["PATH": empty, "RECALL_IMAGES": "off"])
        try child.waitFor("♪ hello.mp3")
        try child.press("p", until: "no sound player found")
        try child.write("q")
        try child.waitForExit()
    }

    @Test func lineOutputNamesPictures() throws {
        let sandbox = try RecallSandbox.withMediaCard(
            front: "What is this? ![a chart](chart.png)", files: ["chart.png": try mediaFixture("picture.png")])
        let shown = try sandbox.ok(["show", "1"])
        #expect(shown.contains("What is this? [image: chart.png]"))
        #expect(!shown.contains("\u{1B}"))
        let next = try sandbox.ok(["next"])
        #expect(next.contains("[image: chart.png]"))
        // The line-by-line review (input not a terminal) names it too.
        let review = try sandbox.run(["review"], stdin: "q\n")
        #expect(review.stdout.contains("What is this? [image: chart.png] a chart"))
        #expect(!review.stdout.contains("\u{1B}"))
    }

    /// Puts an executable script at `folder/name`, written by `cp` rather than by this process:
    /// a file this process held open for writing could be inherited by a child another test is
    /// spawning at that moment, and executing it would then fail with "Text file busy".
    private func installProgram(named name: String, in folder: String, _ body: String, sandbox: RecallSandbox) throws {
        let draft = sandbox.path("\(name).draft")
        try Data(body.utf8).write(to: URL(fileURLWithPath: draft))
        let copy = Process()
        copy.executableURL = URL(fileURLWithPath: "/bin/cp")
        copy.arguments = [draft, folder + "/" + name]
        try copy.run()
        copy.waitUntilExit()
        chmod(folder + "/" + name, 0o755)
    }

    private func waitForLines(_ path: String, count: Int) throws {
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.split(separator: "\n").count >= count {
                return
            }
            usleep(50_000)
        }
        Issue.record("the player did not run \(count) times")
    }
}
