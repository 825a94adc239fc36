import Foundation
import RecallTerminal
import Testing

/// Pictures in Tests/Fixtures/media (made by scripts/make-media-fixtures.py), found from this file's path.
private func mediaFixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/media/\(name)").path
}

@Suite struct TerminalImageTests {
    @Test(arguments: ["picture.png", "picture.jpg", "picture.gif"])
    func everyFormatDrawsAsColouredSymbolsWithinTheSpaceGiven(name: String) throws {
        let image = try #require(ImageRenderer.render(
            path: mediaFixture(name), maxColumns: 20, maxRows: 8, using: .symbols, colors: true))
        #expect(image.graphic == nil)
        #expect(image.lines.count == image.rows)
        #expect((1...8).contains(image.rows))
        // 64×32 pixels in 10×20 cells keeps its aspect: about four times as many columns as rows,
        // twice its own size in symbols (13 columns), within the 20 given.
        #expect(image.columns >= 3 * image.rows && image.columns <= 4 * image.rows + 1)
        #expect((12...14).contains(image.columns))
        for line in image.lines {
            #expect(DisplayWidth.of(strippingSGR(line)) <= 20)
            #expect(line.contains("\(esc)[") && line.hasSuffix("\(esc)[0m"))
            // Colour sequences only: nothing that moves the cursor or changes modes.
            #expect(!strippingSGR(line).contains(esc))
        }
    }

    @Test func withoutColoursSymbolRowsAreBareText() throws {
        let image = try #require(ImageRenderer.render(
            path: mediaFixture("picture.png"), maxColumns: 30, maxRows: 6, using: .symbols, colors: false))
        #expect(!image.lines.joined().contains(esc))
        #expect(image.lines.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
    }

    @Test func graphicsProtocolsGiveOneSequenceOfTheirOwnKind() throws {
        let path = mediaFixture("picture.png")
        let kitty = try #require(ImageRenderer.render(path: path, maxColumns: 20, maxRows: 8, using: .kitty, colors: true))
        #expect(kitty.graphic?.hasPrefix("\(esc)_G") == true)
        let iterm = try #require(ImageRenderer.render(path: path, maxColumns: 20, maxRows: 8, using: .iterm, colors: true))
        #expect(iterm.graphic?.contains("\(esc)]1337;File=") == true)
        let sixel = try #require(ImageRenderer.render(path: path, maxColumns: 20, maxRows: 8, using: .sixel, colors: true))
        #expect(sixel.graphic?.hasPrefix("\(esc)P") == true)
        for image in [kitty, iterm, sixel] {
            #expect(image.rows >= 1 && image.rows <= 8 && image.columns <= 20)
        }
    }

    @Test(arguments: ["corrupt.png", "text.png", "huge.png", "missing.png"])
    func badBytesGiveNoPictureAndNoCrash(name: String) {
        #expect(ImageRenderer.render(path: mediaFixture(name), maxColumns: 40, maxRows: 10, using: .symbols, colors: true) == nil)
        #expect(ImageRenderer.render(path: mediaFixture(name), maxColumns: 40, maxRows: 10, using: .kitty, colors: true) == nil)
    }

    @Test func theEnvironmentPicksTheProtocolAndRecallImagesOverridesIt() {
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm-kitty"]) == .kitty)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"]) == .kitty)
        #expect(ImageProtocol.detect(environment: ["TERM_PROGRAM": "iTerm.app"]) == .iterm)
        #expect(ImageProtocol.detect(environment: ["TERM_PROGRAM": "WezTerm"]) == .iterm)
        #expect(ImageProtocol.detect(environment: ["TERM": "foot"]) == .sixel)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm-256color"]) == .symbols)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm-kitty", "TMUX": "/tmp/t"]) == .symbols)
        #expect(ImageProtocol.detect(environment: ["TERM": "dumb"]) == .off)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm-kitty", "RECALL_IMAGES": "off"]) == .off)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm", "RECALL_IMAGES": "sixel"]) == .sixel)
        #expect(ImageProtocol.detect(environment: ["TERM": "xterm", "RECALL_IMAGES": "nonsense"]) == .symbols)
    }

    @Test func aParagraphOfImagesBecomesPictureBlocksAndInlineImagesFollowTheirText() {
        let blocks = CardRenderer().renderBlocks(
            markdown: "What is this?\n\n![](a.png)\n\nSee ![x](b.png) here", width: 40, colors: false)
        #expect(blocks == [
            .text(["What is this?"]), .text([""]), .image(name: "a.png"), .text([""]),
            .text(["See [image: b.png] x here"]), .image(name: "b.png"),
        ])
        #expect(CardRenderer().imageNames(markdown: "![](a.png) `![](no.png)` ![](a.png)") == ["a.png"])
    }
}
