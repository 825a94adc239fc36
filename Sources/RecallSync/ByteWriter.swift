import Foundation
import RecallModel
import RecallScheduler
import RecallStore

/// Where a `ByteWriter` sends full buffers.
protocol ByteSink: SendableMetatype {
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
    /// Bytes written so far, and how many of them the disk has been asked to take.
    private var written: Int64 = 0
    private var flushed: Int64 = 0

    init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    mutating func write(_ chunk: UnsafeRawBufferPointer) throws(SyncError) {
        guard var base = chunk.baseAddress else { return }
        var left = chunk.count
        while left > 0 {
            let count = Foundation.write(descriptor, base, left)
            if count < 0 {
                if errno == EINTR { continue }
                throw .cannotWrite(file: name, reason: String(cString: strerror(errno)))
            }
            left -= count
            base += count
            written += Int64(count)
        }
        // Every few megabytes, the disk starts on what was written (without waiting for it):
        // the `fsync` that makes an export durable then finds most of a big file on disk
        // already instead of writing all of it while the command waits.
        if written - flushed >= Self.writeBackStep, let startWriteBack = Self.startWriteBack {
            _ = startWriteBack(descriptor, flushed, written - flushed, 2 /* SYNC_FILE_RANGE_WRITE */)
            flushed = written
        }
    }

    private static let writeBackStep: Int64 = 8 << 20

    /// Linux's `sync_file_range`, which Swift's Glibc module leaves out (it is a GNU extension);
    /// nil where the C library has none. A pipe or a terminal refuses it, harmlessly.
    private static let startWriteBack: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    }()
}

/// JSON text built byte by byte in the deck-file layout, handed to a sink every megabyte so
/// that a 200 MB export never sits in memory whole. Faster than `JSONValue` by an order of
/// magnitude at a million reviews, and byte-for-byte the same escaping and number text.
///
/// The bytes go straight into a buffer of its own through a pointer (no array growth checks per
/// byte). A copy of a writer shares that buffer: use one copy at a time (the export hands its
/// writer to the thread that formats the cards and takes it back after).
struct ByteWriter<Sink: ByteSink> {
    var sink: Sink
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Frees the buffer when the last copy of the writer goes.
    private var owner: BufferOwner
    private var times = ISOTime.Writer()
    /// A megabyte: large enough that system calls cost nothing, small enough to stay in cache.
    private let chunk = 1 << 20

    init(sink: Sink) {
        self.sink = sink
        capacity = chunk + 65_536
        base = .allocate(capacity: capacity)
        owner = BufferOwner(base)
    }

    /// Sends what is buffered to the sink.
    mutating func flush() throws(SyncError) {
        if count == 0 { return }
        try sink.write(UnsafeRawBufferPointer(start: base, count: count))
        count = 0
    }

    /// Flushes when the buffer is over its chunk size; call between values.
    mutating func flushIfFull() throws(SyncError) {
        if count >= chunk { try flush() }
    }

    /// Makes room for `needed` more bytes (a long text can need more than the buffer holds).
    @inline(__always)
    private mutating func reserve(_ needed: Int) {
        if count + needed > capacity { grow(needed) }
    }

    private mutating func grow(_ needed: Int) {
        let larger = max(capacity * 2, count + needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
        owner.pointer = moved
    }

    mutating func raw(_ text: StaticString) {
        let length = text.utf8CodeUnitCount
        reserve(length)
        (base + count).update(from: text.utf8Start, count: length)
        count += length
    }

    /// Text that is JSON already (`JSONValue.compact()`), as it is.
    mutating func json(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            reserve(bytes.count)
            if let source = bytes.baseAddress { (base + count).update(from: source, count: bytes.count) }
            count += bytes.count
        }
    }

    mutating func byte(_ value: UInt8) {
        reserve(1)
        base[count] = value
        count += 1
    }

    /// A new line and `count` spaces.
    mutating func newline(indent spaces: Int) {
        reserve(spaces + 1)
        base[count] = UInt8(ascii: "\n")
        (base + count + 1).update(repeating: UInt8(ascii: " "), count: spaces)
        count += spaces + 1
    }

    mutating func int(_ value: Int64) {
        reserve(20)
        count += formatInteger(value, into: base + count)
    }

    /// Shortest text that reads back as the same Double (`JSONValue.number`), null when not finite.
    mutating func double(_ value: Double) {
        guard value.isFinite else { raw("null"); return }
        json(value.description)
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
        reserve(JSONEscape.maximumLength(quoting: bytes.count))
        count += JSONEscape.write(bytes, quotedInto: base + count)
    }

    /// `"2026-11-25T12:00:00.000Z"`, quotes included: `ISOTime.format` without the allocations.
    mutating func time(_ millis: Millis) {
        reserve(ISOTime.maximumLength)
        count += times.write(millis, quoted: true, into: base + count)
    }

    /// One review as a line of the file: newline, `indent` spaces, and the compact object
    /// `{"at":"…","duration_ms":…,"id":"…","rating":…}`, written in place because a file can
    /// hold a million of them.
    mutating func reviewLine(indent: Int, at: Millis, durationMS: Int64, id: ReviewID, rating: Int) {
        guard case let .uuid(high, low) = id else {
            // An id that is not a UUID (never made by recall): escaped as any text.
            newline(indent: indent)
            raw("{\"at\":")
            time(at)
            raw(",\"duration_ms\":")
            int(durationMS)
            raw(",\"id\":")
            id.withUTF8 { string(utf8: $0) }
            raw(",\"rating\":")
            int(Int64(rating))
            raw("}")
            return
        }
        reviewLine(indent: indent, at: at, durationMS: durationMS, uuid: (high, low), rating: rating)
    }

    /// `reviewLine` for an id that is a UUID (`ReviewID.uuid`), given as its two halves.
    mutating func reviewLine(indent: Int, at: Millis, durationMS: Int64, uuid: (high: UInt64, low: UInt64), rating: Int) {
        let (high, low) = uuid
        reserve(indent + 160)
        var p = base + count
        p.pointee = UInt8(ascii: "\n")
        (p + 1).update(repeating: UInt8(ascii: " "), count: indent)
        p += indent + 1
        p = put("{\"at\":", at: p)
        p += times.write(at, quoted: true, into: p)
        p = put(",\"duration_ms\":", at: p)
        p += formatInteger(durationMS, into: p)
        p = put(",\"id\":\"", at: p)
        p += writeUUID(high, low, into: p)
        p = put("\",\"rating\":", at: p)
        p += formatInteger(Int64(rating), into: p)
        p.pointee = UInt8(ascii: "}")
        p += 1
        count = p - base
    }
}

/// Owns a `ByteWriter`'s buffer, so that it is freed once, when the last copy goes.
private final class BufferOwner {
    var pointer: UnsafeMutablePointer<UInt8>

    init(_ pointer: UnsafeMutablePointer<UInt8>) { self.pointer = pointer }

    deinit { pointer.deallocate() }
}

/// Copies an ASCII literal to `p`; returns the position after it.
@inline(__always)
private func put(_ text: StaticString, at p: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
    p.update(from: text.utf8Start, count: text.utf8CodeUnitCount)
    return p + text.utf8CodeUnitCount
}

/// Writes a canonical lowercase UUID (`ReviewID.uuid`'s text, 36 bytes) at `p`.
@inline(__always)
private func writeUUID(_ high: UInt64, _ low: UInt64, into p: UnsafeMutablePointer<UInt8>) -> Int {
    @inline(__always) func hex(_ word: UInt64, nibbles: Int, from shift: Int, at offset: Int) {
        for index in 0..<nibbles {
            let nibble = UInt8(truncatingIfNeeded: word >> UInt64(shift - 4 * index)) & 0xF
            p[offset + index] = nibble &+ (nibble < 10 ? UInt8(ascii: "0") : UInt8(ascii: "a") &- 10)
        }
    }
    hex(high, nibbles: 8, from: 60, at: 0)
    p[8] = UInt8(ascii: "-")
    hex(high, nibbles: 4, from: 28, at: 9)
    p[13] = UInt8(ascii: "-")
    hex(high, nibbles: 4, from: 12, at: 14)
    p[18] = UInt8(ascii: "-")
    hex(low, nibbles: 4, from: 60, at: 19)
    p[23] = UInt8(ascii: "-")
    hex(low, nibbles: 12, from: 44, at: 24)
    return 36
}

/// Writes a whole number's digits at `p` (at most 20 bytes); returns how many.
@inline(__always)
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
