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
}

@Suite struct JSONEscapeTests {
    @Test func escapesQuotesControlsAndLineSeparatorsOnly() {
        #expect(JSONEscape.quoted("a\"b\\c\n\t\u{1b}[31m\u{7f}\u{2028}é") == #""a\"b\\c\n\t\u001b[31m\u007f\u2028é""#)
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
