import RecallModel
import Testing

@Suite struct MediaReferencesTests {
    @Test func picturesAndSoundsAreFoundInEveryFormImportersWrite() {
        let text = """
            ![a chart](chart.png) and ![](<with space.png>) and ![t](titled.gif "A title")
            [sound:hello.mp3] then [sound: padded.ogg ] and [sound:] and ![broken
            ](not.png) [sound:unclosed
            """
        #expect(MediaReferences.imageTargets(in: text) == ["chart.png", "with space.png", "titled.gif"])
        #expect(MediaReferences.sounds(in: text).map(\.name) == ["hello.mp3", "padded.ogg"])
        #expect(MediaReferences.names(in: text) == ["chart.png", "with space.png", "titled.gif", "hello.mp3", "padded.ogg"])
        let tag = MediaReferences.sounds(in: "x [sound:a.mp3] y")[0]
        #expect("x [sound:a.mp3] y"[tag.range] == "[sound:a.mp3]")
    }

    @Test func textWithoutMediaHasNoReferences() {
        #expect(MediaReferences.names(in: "a [link](x.png) and [sound] and !not an image").isEmpty)
    }
}
