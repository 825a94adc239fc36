/// ISO 8601 UTC with milliseconds (`2026-11-25T12:00:00.000Z`), the one time format of recall's
/// JSON: deck files, `--json` output. The one formatter, the one parser and the one copy of the
/// calendar arithmetic (Howard Hinnant's civil-from-days and days-from-civil, exact for the
/// proleptic Gregorian calendar), so that a time written by one layer reads back in another.
public enum ISOTime {
    /// `2026-11-25T12:00:00.000Z`.
    public static func format(_ millis: Int64) -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { scratch in
            guard let base = scratch.baseAddress else { return "" }
            let count = write(millis, quoted: false, into: base)
            return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
        }
    }

    /// A scheduling day (`DayClock.dayNumber`: days since 1970-01-01 in the store's own calendar)
    /// as the date it names, `2026-11-25`: how deck files carry the day a card stays buried
    /// through.
    public static func formatDay(_ day: Int) -> String {
        String(format(Int64(day) * 86_400_000).prefix { $0 != "T" })
    }

    /// The day of a `YYYY-MM-DD` date, as `formatDay` writes it; nil for anything else.
    public static func parseDay(_ text: String) -> Int? {
        guard text.utf8.count == 10, let millis = parse(text + "T00:00:00.000Z") else { return nil }
        return Int(floorDivide(millis, 86_400_000))
    }

    /// The most bytes `write` writes (quotes included, any Int64).
    public static let maximumLength = 40

    /// Writes the time at `p`, in double quotes when `quoted` (as a JSON string), and returns
    /// how many bytes: 24 (26 quoted) for years 0–9999, more for the years beyond.
    @discardableResult
    public static func write(_ millis: Int64, quoted: Bool, into p: UnsafeMutablePointer<UInt8>) -> Int {
        let f = Fields(millis)
        var index = 0
        func put(_ byte: UInt8) { p[index] = byte; index += 1 }
        func digits(_ value: Int64, _ width: Int) {
            var text: [UInt8] = []
            var rest = value.magnitude
            repeat { text.append(UInt8(ascii: "0") + UInt8(rest % 10)); rest /= 10 } while rest > 0
            for _ in text.count..<max(text.count, width) { put(UInt8(ascii: "0")) }
            for byte in text.reversed() { put(byte) }
        }
        func two(_ value: Int64) {
            put(UInt8(ascii: "0") + UInt8(value / 10))
            put(UInt8(ascii: "0") + UInt8(value % 10))
        }
        if quoted { put(UInt8(ascii: "\"")) }
        if f.year >= 0 && f.year <= 9999 {
            two(f.year / 100)
            two(f.year % 100)
        } else {
            if f.year < 0 { put(UInt8(ascii: "-")) }
            digits(f.year, 4)
        }
        put(UInt8(ascii: "-")); two(f.month)
        put(UInt8(ascii: "-")); two(f.day)
        put(UInt8(ascii: "T")); two(f.hour)
        put(UInt8(ascii: ":")); two(f.minute)
        put(UInt8(ascii: ":")); two(f.second)
        put(UInt8(ascii: "."))
        put(UInt8(ascii: "0") + UInt8(f.millisecond / 100))
        two(f.millisecond % 100)
        put(UInt8(ascii: "Z"))
        if quoted { put(UInt8(ascii: "\"")) }
        return index
    }

    /// `write` for many times in a row, most of them on a day already written (a card's
    /// reviews, a file's cards): the date of the last day is kept as text, and only the time of
    /// day is worked out. Writes the same bytes as `write`.
    public struct Writer: Sendable {
        private var day: Int64 = .min
        private var date: (UInt64, UInt16) = (0, 0)

        public init() {}

        /// Years 0–9999 (the days whose date is ten bytes long).
        private static let first: Int64 = -62_167_219_200_000
        private static let end: Int64 = 253_402_300_800_000

        @inline(__always)
        public mutating func write(_ millis: Int64, quoted: Bool, into p: UnsafeMutablePointer<UInt8>) -> Int {
            guard millis >= Self.first, millis < Self.end else { return ISOTime.write(millis, quoted: quoted, into: p) }
            let day = floorDivide(millis, 86_400_000)
            if day != self.day {
                // The date of the day (`Fields`: once a day, not once a time), as ten bytes.
                let fields = Fields(day * 86_400_000)
                let year = fields.year, month = fields.month, dayOfMonth = fields.day
                var text: (UInt64, UInt16) = (0, 0)
                withUnsafeMutableBytes(of: &text) { bytes in
                    @inline(__always) func digit(_ value: Int64, at offset: Int) {
                        bytes[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                    }
                    digit(year / 1000, at: 0)
                    digit(year / 100, at: 1)
                    digit(year / 10, at: 2)
                    digit(year, at: 3)
                    bytes[4] = UInt8(ascii: "-")
                    digit(month / 10, at: 5)
                    digit(month, at: 6)
                    bytes[7] = UInt8(ascii: "-")
                    digit(dayOfMonth / 10, at: 8)
                    digit(dayOfMonth, at: 9)
                }
                date = text
                self.day = day
            }
            var index = 0
            if quoted { p[0] = UInt8(ascii: "\""); index = 1 }
            let raw = UnsafeMutableRawPointer(p + index)
            raw.storeBytes(of: date.0, as: UInt64.self)
            raw.storeBytes(of: date.1, toByteOffset: 8, as: UInt16.self)
            index += 10
            let ofDay = millis - day * 86_400_000
            let seconds = ofDay / 1000
            let millisecond = ofDay - seconds * 1000
            let hour = seconds / 3600
            let minute = seconds / 60 - hour * 60
            let second = seconds - (seconds / 60) * 60
            @inline(__always) func two(_ value: Int64, at offset: Int) {
                p[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
                p[offset + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            }
            p[index] = UInt8(ascii: "T")
            two(hour, at: index + 1)
            p[index + 3] = UInt8(ascii: ":")
            two(minute, at: index + 4)
            p[index + 6] = UInt8(ascii: ":")
            two(second, at: index + 7)
            p[index + 9] = UInt8(ascii: ".")
            p[index + 10] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: millisecond / 100)
            two(millisecond % 100, at: index + 11)
            p[index + 13] = UInt8(ascii: "Z")
            index += 14
            if quoted { p[index] = UInt8(ascii: "\""); index += 1 }
            return index
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as `format` writes it (always
    /// `.mmmZ`); a fraction finer than milliseconds is cut. Nil for anything else, including
    /// dates that do not exist (February 30).
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        let count = bytes.count
        var index = 0
        func number(_ width: Int) -> Int64? {
            guard index + width <= count else { return nil }
            var value: Int64 = 0
            for offset in 0..<width {
                let byte = bytes[index + offset]
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += width
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(UInt8(ascii: "-")), let month = number(2), expect(UInt8(ascii: "-")),
              let day = number(2), expect(UInt8(ascii: "T")), let hour = number(2), expect(UInt8(ascii: ":")),
              let minute = number(2), expect(UInt8(ascii: ":")), let second = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if expect(UInt8(ascii: ".")) {
            var digits = 0
            while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                if digits < 3 { millis = millis * 10 + Int64(bytes[index] - UInt8(ascii: "0")) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) { millis *= 10 }
        }
        var offsetMinutes: Int64 = 0
        if expect(UInt8(ascii: "Z")) {
            offsetMinutes = 0
        } else if index < count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = number(2), expect(UInt8(ascii: ":")), let minutes = number(2), hours < 24, minutes < 60
            else { return nil }
            offsetMinutes = sign * (hours * 60 + minutes)
        } else {
            return nil
        }
        guard index == count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60
        return seconds * 1000 + millis
    }

    /// The calendar fields of an instant in UTC.
    public struct Fields: Sendable, Equatable {
        public var year, month, day, hour, minute, second, millisecond: Int64

        public init(_ millis: Int64) {
            // Remainders rather than `millis - seconds * 1000`, which overflows near Int64.min.
            let seconds = floorDivide(millis, 1000)
            millisecond = (millis % 1000 + 1000) % 1000
            var days = floorDivide(seconds, 86_400)
            let secondOfDay = (seconds % 86_400 + 86_400) % 86_400
            days += 719_468
            let era = floorDivide(days, 146_097)
            let dayOfEra = days - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            day = dayOfYear - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            hour = secondOfDay / 3600
            minute = secondOfDay % 3600 / 60
            second = secondOfDay % 60
        }
    }

    public static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    public static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDivide(y, 400)
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Division rounding toward negative infinity, so times before 1970 format correctly.
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
