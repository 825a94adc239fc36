import Foundation
import RecallModel
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

    /// Text that is JSON already (`JSONValue.compact()`), as it is.
    mutating func json(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
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
        JSONEscape.appendQuoted(bytes, to: &buffer)
    }

    /// `"2026-11-25T12:00:00.000Z"`, quotes included: `ISOTime.format` without the allocations.
    mutating func time(_ millis: Millis) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ISOTime.maximumLength) { scratch in
            guard let base = scratch.baseAddress else { return }
            let count = ISOTime.write(millis, quoted: true, into: base)
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
                p += ISOTime.write(at, quoted: true, into: p)
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
