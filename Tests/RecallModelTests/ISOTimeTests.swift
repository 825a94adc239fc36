import Testing
import RecallModel

@Suite struct ISOTimeTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00.000Z"),
        (Int64(1_795_608_000_123), "2026-11-25T12:00:00.123Z"),
        (Int64(-1), "1969-12-31T23:59:59.999Z"),
        (Int64(253_402_300_799_999), "9999-12-31T23:59:59.999Z"),
        (Int64(951_782_400_000), "2000-02-29T00:00:00.000Z"),
    ])
    func formatsAndParsesBackTheSameInstant(millis: Int64, text: String) {
        #expect(ISOTime.format(millis) == text)
        #expect(ISOTime.parse(text) == millis)
    }

    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-11-25", "2026-11-25T12:00:00", "2026-11-25T24:00:00Z", "x"])
    func refusesWhatIsNotATime(text: String) {
        #expect(ISOTime.parse(text) == nil)
    }

    @Test func readsOffsetsAndFractionsFinerThanMilliseconds() {
        #expect(ISOTime.parse("2026-11-25T14:00:00.1234567+02:00") == ISOTime.parse("2026-11-25T12:00:00.123Z"))
    }

    @Test func writesTheExtremesOfInt64WithoutTrapping() {
        for millis in [Int64.min, Int64.max] {
            let text = ISOTime.format(millis)
            #expect(text.hasSuffix("Z"))
            #expect(text.utf8.count + 2 <= ISOTime.maximumLength)
        }
    }

    /// The writer that keeps the last day's date (deck files) writes what `format` writes,
    /// whether the day is the last one or not: across midnight, leap days, before 1970, at the
    /// ends of four-digit years and beyond them.
    @Test func theDayKeepingWriterWritesWhatFormatWrites() {
        var times: [Int64] = [0, -1, 1, 86_399_999, 86_400_000, 951_782_400_000, 951_868_799_999, -62_167_219_200_000,
                              -62_167_219_200_001, 253_402_300_799_999, 253_402_300_800_000, Int64.min, Int64.max]
        var generator = SystemRandomNumberGenerator()
        var last: Int64 = 1_795_608_000_123
        for _ in 0..<5_000 {
            // Mostly near the last time (same day or the next few), sometimes anywhere.
            last = Int64.random(in: 0..<8) == 0 ? Int64.random(in: -80_000_000_000_000...300_000_000_000_000, using: &generator)
                : last + Int64.random(in: -3_600_000...200_000_000, using: &generator)
            times.append(last)
        }
        var writer = ISOTime.Writer()
        for millis in times {
            for quoted in [false, true] {
                let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ISOTime.maximumLength) { scratch in
                    let count = writer.write(millis, quoted: quoted, into: scratch.baseAddress!)
                    return String(decoding: UnsafeBufferPointer(start: scratch.baseAddress, count: count), as: UTF8.self)
                }
                let expected = quoted ? "\"" + ISOTime.format(millis) + "\"" : ISOTime.format(millis)
                #expect(text == expected, "\(millis)")
            }
        }
    }
}

@Suite struct JSONEscapeTests {
    @Test func escapesQuotesControlsAndLineSeparatorsOnly() {
        #expect(JSONEscape.quoted("a\"b\\c\n\t\u{1b}[31m\u{7f}\u{2028}é") == #""a\"b\\c\n\t\u001b[31m\u007f\u2028é""#)
    }

    /// Text is scanned eight bytes at a time: a character to escape is found at every place in
    /// and across those eight bytes, and text that needs none (with the bytes next to those that
    /// do: `!`, `#`, `[`, `]`, `~`, 0xE2 starting other characters) comes out as it went in.
    @Test func escapesAtEveryPlaceOfALongText() {
        let specials: [(String, String)] = [("\"", "\\\""), ("\\", "\\\\"), ("\n", "\\n"), ("\u{1}", "\\u0001"),
                                            ("\u{1f}", "\\u001f"), ("\u{7f}", "\\u007f"), ("\u{2029}", "\\u2029")]
        let plain = "ab!#[]~ \u{2030}€é𝄞0123456789"
        #expect(JSONEscape.quoted(plain) == "\"" + plain + "\"")
        for (special, escaped) in specials {
            for place in 0..<20 {
                let prefix = String(repeating: "x", count: place)
                let text = prefix + special + "y" + plain
                #expect(JSONEscape.quoted(text) == "\"" + prefix + escaped + "y" + plain + "\"", "\(escaped) at \(place)")
            }
        }
    }
}

@Suite struct FNV64Tests {
    @Test func matchesTheReferenceValues() {
        // FNV-1a 64 test vectors (Fowler, Noll, Vo): "" and "a".
        #expect(FNV64().hex == "cbf29ce484222325")
        var hash = FNV64()
        hash.add("a")
        #expect(hash.hex == "af63dc4c8601ec8c")
    }
}
