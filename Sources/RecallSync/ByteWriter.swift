import Foundation
import RecallScheduler
import RecallStore

/// Where a `ByteWriter` sends full buffers.
protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SyncError)
}

/// Collects everything in memory (tests, `exportData`).
struct MemorySink: ByteSink {
    var bytes: [UInt8] = []

    mutating func write(_ chunk: UnsafeRawBufferPointer) throws(SyncError) {
        bytes.append(contentsOf: chunk)
    }
}

/// Writes to an open file descriptor, retrying short writes and interrupted calls.
struct FileDescriptorSink: ByteSink {
    let descriptor: Int32
    /// For messages: the file's path, or "standard output".
    let name: String

    mutating func write(_ chunk: UnsafeRawBufferPointer) throws(SyncError) {
        guard var base = chunk.baseAddress else { return }
        var left = chunk.count
        while left > 0 {
            let written = Foundation.write(descriptor, base, left)
            if written < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(file: name, reason: String(cString: strerror(errno)))
            }
            left -= written
            base += written
        }
    }
}

/// JSON text built byte by byte in the deck-file layout, handed to a sink every few megabytes
/// so that a 170 MB export never sits in memory whole. Faster than `JSONValue` by an order of
/// magnitude at a million reviews, and byte-for-byte the same escaping and number text.
struct ByteWriter<Sink: ByteSink> {
    var sink: Sink
    private var buffer: [UInt8] = []
    private let chunk = 1 << 22

    init(sink: Sink) {
        self.sink = sink
        buffer.reserveCapacity(chunk + 65_536)
    }

    /// Sends what is buffered to the sink.
    mutating func flush() throws(SyncError) {
        if buffer.isEmpty { return }
        let result = buffer.withUnsafeBytes { bytes in Result { () throws(SyncError) in try sink.write(bytes) } }
        try result.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes when the buffer is over its chunk size; call between values.
    mutating func flushIfFull() throws(SyncError) {
        if buffer.count >= chunk { try flush() }
    }

    mutating func raw(_ text: StaticString) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func byte(_ value: UInt8) {
        buffer.append(value)
    }

    /// A new line and `count` spaces.
    mutating func newline(indent count: Int) {
        buffer.append(UInt8(ascii: "\n"))
        for _ in 0..<count { buffer.append(UInt8(ascii: " ")) }
    }

    mutating func int(_ value: Int64) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    private mutating func unsigned(_ value: UInt64) {
        if value >= 10 { unsigned(value / 10) }
        buffer.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Shortest text that reads back as the same Double (`JSONValue.number`), null when not finite.
    mutating func double(_ value: Double) {
        guard value.isFinite else { raw("null"); return }
        var text = value.description
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    mutating func bool(_ value: Bool) {
        if value { raw("true") } else { raw("false") }
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// A JSON string from UTF-8 bytes, escaped as `JSONValue.writeString` does: quotes,
    /// backslashes and control characters escaped, and U+2028/U+2029 (which end lines in
    /// JavaScript) written as `\u2028`/`\u2029`.
    mutating func string(utf8 bytes: UnsafeRawBufferPointer) {
        buffer.append(UInt8(ascii: "\""))
        var start = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            var escape: StaticString?
            var unicode: UInt32?
            var width = 1
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0A: escape = "\\n"
            case 0x0D: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0C: escape = "\\f"
            case 0..<0x20, 0x7F: unicode = UInt32(byte)
            case 0xE2 where index + 2 < count && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9):
                unicode = bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029
                width = 3
            default:
                index += 1
                continue
            }
            if index > start { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index])) }
            if let escape { raw(escape) }
            if let unicode {
                raw("\\u")
                let hex: StaticString = "0123456789abcdef"
                for shift in stride(from: 12, through: 0, by: -4) {
                    buffer.append(hex.utf8Start[Int((unicode >> UInt32(shift)) & 0xF)])
                }
            }
            index += width
            start = index
        }
        if count > start { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<count])) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// `"2026-11-25T12:00:00.000Z"`, quotes included: `ISOTime.format` without the allocations.
    mutating func time(_ millis: Millis) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { scratch in
            guard let base = scratch.baseAddress else { return }
            let count = formatTime(millis, into: base)
            buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        }
    }

    /// One review as a line of the file: newline, `indent` spaces, and the compact object
    /// `{"at":"…","duration_ms":…,"id":"…","rating":…}`, built on the stack and appended at once
    /// because a file can hold a million of them.
    mutating func reviewLine(indent: Int, at: Millis, durationMS: Int64, id: ReviewID, rating: Int) {
        id.withUTF8 { idBytes in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 128 + indent) { scratch in
                guard let base = scratch.baseAddress else { return }
                var p = base
                p.pointee = UInt8(ascii: "\n"); p += 1
                for _ in 0..<indent { p.pointee = UInt8(ascii: " "); p += 1 }
                p = put("{\"at\":", at: p)
                p += formatTime(at, into: p)
                p = put(",\"duration_ms\":", at: p)
                p += formatInteger(durationMS, into: p)
                p = put(",\"id\":", at: p)
                let plain = idBytes.count <= 64 && idBytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
                if plain {
                    p.pointee = UInt8(ascii: "\""); p += 1
                    if let source = idBytes.baseAddress { p.update(from: source.assumingMemoryBound(to: UInt8.self), count: idBytes.count) }
                    p += idBytes.count
                    p.pointee = UInt8(ascii: "\""); p += 1
                    p = put(",\"rating\":", at: p)
                    p += formatInteger(Int64(rating), into: p)
                    p.pointee = UInt8(ascii: "}"); p += 1
                    buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: p - base))
                } else {
                    // An id that needs escaping or is long (never made by recall): the slow path.
                    buffer.append(contentsOf: UnsafeBufferPointer(start: base, count: p - base))
                    string(utf8: idBytes)
                    raw(",\"rating\":")
                    int(Int64(rating))
                    raw("}")
                }
            }
        }
    }
}

/// Copies an ASCII literal to `p`; returns the position after it.
private func put(_ text: StaticString, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
    return p + text.utf8CodeUnitCount
}

/// Writes a whole number's digits at `p` (at most 20 bytes); returns how many.
private func formatInteger(_ value: Int64, into p: UnsafeMutablePointer<UInt8>) -> Int {
    var magnitude = value.magnitude
    var count = 0
    if value < 0 { p.pointee = UInt8(ascii: "-"); count = 1 }
    var digits = 1
    var scan = magnitude
    while scan >= 10 { scan /= 10; digits += 1 }
    var index = count + digits
    while index > count {
        index -= 1
        p[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
    }
    return count + digits
}

/// Writes `"2026-11-25T12:00:00.000Z"` (quotes included, 26 bytes for years 0–9999, as
/// `ISOTime.format` writes them) at `p`; returns how many bytes.
private func formatTime(_ millis: Millis, into p: UnsafeMutablePointer<UInt8>) -> Int {
    let f = ISOFields(millis)
    guard f.year >= 0, f.year <= 9999 else {
        // Outside what deck files hold; written in full so that nothing is lost.
        let text = "\"" + ISOTime.format(millis) + "\""
        var count = 0
        for byte in text.utf8 { p[count] = byte; count += 1 }
        return count
    }
    func two(_ value: Int64, _ offset: Int) {
        p[offset] = UInt8(ascii: "0") + UInt8(value / 10)
        p[offset + 1] = UInt8(ascii: "0") + UInt8(value % 10)
    }
    p[0] = UInt8(ascii: "\"")
    two(f.year / 100, 1)
    two(f.year % 100, 3)
    p[5] = UInt8(ascii: "-")
    two(f.month, 6)
    p[8] = UInt8(ascii: "-")
    two(f.day, 9)
    p[11] = UInt8(ascii: "T")
    two(f.hour, 12)
    p[14] = UInt8(ascii: ":")
    two(f.minute, 15)
    p[17] = UInt8(ascii: ":")
    two(f.second, 18)
    p[20] = UInt8(ascii: ".")
    p[21] = UInt8(ascii: "0") + UInt8(f.millisecond / 100)
    two(f.millisecond % 100, 22)
    p[24] = UInt8(ascii: "Z")
    p[25] = UInt8(ascii: "\"")
    return 26
}

/// The calendar fields of an instant in UTC (proleptic Gregorian, Howard Hinnant's
/// civil-from-days), as `ISOTime.format` computes them.
struct ISOFields {
    var year, month, day, hour, minute, second, millisecond: Int64

    init(_ millis: Millis) {
        let seconds = floorDivide(millis, 1000)
        millisecond = millis - seconds * 1000
        var days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
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

func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}

/// Parses the times of deck files: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as written by
/// `ISOTime.format` (which always writes `.mmmZ`); a fraction finer than milliseconds is cut.
/// Returns nil for anything else, including dates that do not exist (February 30).
func parseISOTime(_ bytes: UnsafeRawBufferPointer) -> Millis? {
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

private func daysInMonth(year: Int64, month: Int64) -> Int64 {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days-from-civil).
private func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = floorDivide(y, 400)
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
