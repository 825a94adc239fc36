import Testing
import RecallTerminal

@Suite struct KeyDecoderTests {
    @Test(arguments: [
        ([0x61], Key.character("a")),
        ([0x51], .character("Q")),
        ([0x0D], .enter),
        ([0x0A], .enter),
        ([0x20], .space),
        ([0x7F], .backspace),
        ([0x08], .backspace),
        ([0x09], .tab),
        ([0x03], .ctrlC),
        ([0x04], .ctrl("d")),
        ([0x1B, 0x5B, 0x41], .up),
        ([0x1B, 0x5B, 0x42], .down),
        ([0x1B, 0x5B, 0x43], .right),
        ([0x1B, 0x5B, 0x44], .left),
        ([0x1B, 0x4F, 0x41], .up),
        ([0x1B, 0x5B, 0x35, 0x7E], .pageUp),
        ([0x1B, 0x5B, 0x36, 0x7E], .pageDown),
        ([0x1B, 0x5B, 0x48], .home),
        ([0x1B, 0x5B, 0x34, 0x7E], .end),
        ([0x1B, 0x5B, 0x33, 0x7E], .delete),
        ([0x1B, 0x5B, 0x31, 0x3B, 0x35, 0x41], .up),
        ([0x1B, 0x5B, 0x5A], .backTab),
        ([0x1B, 0x4F, 0x50], .function(1)),
        ([0x1B, 0x5B, 0x31, 0x35, 0x7E], .function(5)),
        ([0xC3, 0xA9], .character("é")),
        ([0xE6, 0xBC, 0xA2], .character("漢")),
        ([0xF0, 0x9F, 0x98, 0x80], .character("😀")),
    ] as [([UInt8], Key)])
    func bytesDecodeToKeys(_ bytes: [UInt8], _ key: Key) {
        let decoded = KeyDecoder.decode(bytes[...])
        #expect(decoded?.key == key)
        #expect(decoded?.length == bytes.count)
    }

    @Test(arguments: [[0x1B], [0x1B, 0x5B], [0x1B, 0x5B, 0x35], [0x1B, 0x4F], [0xE6, 0xBC]] as [[UInt8]])
    func incompleteSequencesWaitForMoreBytes(_ bytes: [UInt8]) {
        #expect(KeyDecoder.decode(bytes[...]) == nil)
    }

    @Test func aLoneEscapeIsTheEscapeKeyOnceNothingMoreComes() {
        #expect(KeyDecoder.decode([0x1B][...], final: true)?.key == .escape)
    }

    @Test func escapeFollowedByALetterIsEscapeThenTheLetter() {
        #expect(KeyDecoder.decodeAll([0x1B, 0x71]) == [.escape, .character("q")])
    }

    @Test func severalKeysInOneReadAreAllDecoded() {
        let bytes = Array("j\u{1B}[Bk \r".utf8) + [0x7F]
        #expect(KeyDecoder.decodeAll(bytes) == [.character("j"), .down, .character("k"), .space, .enter, .backspace])
    }

    @Test func controlCharactersThatAreNotKeysAreUnknown() {
        #expect(
            KeyDecoder.decodeAll([0x1C, 0xC2, 0x9B, 0xFF])
                == [.unknown([0x1C]), .unknown([0xC2, 0x9B]), .unknown([0xFF])])
    }
}
