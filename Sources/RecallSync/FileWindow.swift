import Foundation

/// A window over a file being read once from start to end (issue 13, streaming): the bytes from
/// `origin` on, read with `pread` a few megabytes at a time, so that reading a file of any size
/// takes memory for the window only. `JSONScanner` reads through it: it asks for more bytes
/// when it needs one past the end (`fill`), and lets go of the bytes it has read between two
/// values (`drop`); the window grows only when one value is larger than it.
///
/// Not a memory map: a file truncated while mapped would kill the process with SIGBUS.
final class FileWindow {
    /// The window's size unless one value needs more: 4 MB, a few thousand cards.
    static let defaultCapacity = 4 << 20

    private let descriptor: Int32
    private let path: String
    private let name: String
    /// The bytes `[origin, origin + count)` of the file.
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private let initialCapacity: Int
    private(set) var count = 0
    private(set) var origin: Int
    /// Where the JSON text starts: 3 after a byte-order mark, else 0 (lines count from there).
    private(set) var textStart: Int
    /// Reads stop here: one byte past the size the file had when opened, so that a file that
    /// grew while it was read is noticed (its stamp is checked too) without reading on forever.
    private let readLimit: Int
    /// The first read error, if any: the reader stops as at the end of the file, and whoever
    /// drives it reports this instead of the syntax error that follows.
    private(set) var failure: SyncError?
    /// `FileContents.duringRead`, called once after the first bytes were read (a test seam).
    private var hook: (@Sendable (String) -> Void)?

    /// A window over `descriptor` (the file at `path`, `size` bytes when opened; `name` in
    /// messages) from its first byte.
    init(descriptor: Int32, path: String, name: String, size: Int, capacity: Int = defaultCapacity) {
        self.descriptor = descriptor
        self.path = path
        self.name = name
        self.capacity = max(capacity, 16)
        initialCapacity = self.capacity
        buffer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
        origin = 0
        textStart = 0
        readLimit = size + 1
        hook = FileContents.duringRead
        // A byte-order mark at the start is skipped, as `DeckReader.parse` does.
        while count < DeckReader.byteOrderMark.count, fill() {}
        if count >= 3, UnsafeRawBufferPointer(start: buffer, count: 3).elementsEqual(DeckReader.byteOrderMark) {
            drop(3)
            textStart = 3
        }
    }

    deinit { buffer.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: buffer, count: count) }

    /// The offset of the next byte to read from the file.
    var readOffset: Int { origin + count }

    /// Reads more of the file after the bytes in the window (growing it when full); false at
    /// the end of the file (or of `readLimit`) or on an error (kept in `failure`).
    func fill() -> Bool {
        guard failure == nil else { return false }
        if count == capacity {
            capacity *= 2
            let larger = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
            larger.copyMemory(from: buffer, byteCount: count)
            buffer.deallocate()
            buffer = larger
        }
        let wanted = min(capacity - count, readLimit - readOffset)
        guard wanted > 0 else { return false }
        var got: Int
        repeat {
            got = pread(descriptor, buffer + count, wanted, off_t(readOffset))
        } while got < 0 && errno == EINTR
        if got < 0 {
            failure = .cannotRead(file: name, reason: String(cString: strerror(errno)))
            return false
        }
        if got == 0 { return false }
        count += got
        if let call = hook {
            hook = nil
            call(path)
        }
        return true
    }

    /// Whether dropping the `bytes` first bytes is worth a copy of the rest: past half the window.
    func shouldDrop(_ bytes: Int) -> Bool {
        bytes > 0 && bytes >= capacity / 2
    }

    /// Lets go of the first `bytes` bytes, moving the rest to the front; a window grown for one
    /// large value shrinks back once the value is behind.
    func drop(_ bytes: Int) {
        let rest = count - bytes
        if capacity > initialCapacity && rest <= initialCapacity / 2 {
            let smaller = UnsafeMutableRawPointer.allocate(byteCount: initialCapacity, alignment: 16)
            smaller.copyMemory(from: buffer + bytes, byteCount: rest)
            buffer.deallocate()
            buffer = smaller
            capacity = initialCapacity
        } else {
            buffer.copyMemory(from: buffer + bytes, byteCount: rest)
        }
        origin += bytes
        count = rest
    }

    /// The 1-based line and column (in characters) of file offset `offset`, counted from the
    /// start of the text, read again from the file: the window no longer holds those bytes.
    func lineAndColumn(at offset: Int) -> (line: Int, column: Int) {
        var position = (line: 1, column: 1)
        let chunk = 1 << 16
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { scratch.deallocate() }
        var at = textStart
        while at < offset {
            let got = pread(descriptor, scratch, min(chunk, offset - at), off_t(at))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            position = JSONScanner.lineAndColumn(UnsafeRawBufferPointer(start: scratch, count: got), from: position)
            at += got
        }
        return position
    }
}
