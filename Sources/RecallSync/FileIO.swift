import CMalloc
import Foundation

/// What identifies one version of a file on disk: a file rewritten in place changes its size or
/// times, and one replaced by rename (as sync tools and `recall sync` itself write) changes its
/// inode. The change time (`ctime`) cannot be set by programs, so even a tool that copies the
/// modification time along is seen.
struct FileStamp: Equatable, Sendable, CustomStringConvertible {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var changed: Int64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// The stamp of the file at `path`, or nil when there is none.
    static func of(_ path: String) -> FileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileStamp(info)
    }

    /// `device:inode:size:mtime:ctime`, as sync records it in the store.
    var description: String { "\(device):\(inode):\(size):\(modified):\(changed)" }
}

/// A file read whole, with the stamp it had while it was read.
struct FileContents {
    /// Opens `path` for reading and returns its descriptor (the caller closes it) with the stamp
    /// it had: only a regular file under `sizeLimit` bytes is opened.
    static func openRegularFile(path: String, name: String, sizeLimit: Int) throws(SyncError) -> (descriptor: Int32, stamp: FileStamp) {
        // Opened without blocking: opening a FIFO for reading waits for a writer, forever if
        // none comes (issue 14 item 2). Only a regular file is read; reads of one never block.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .cannotRead(file: name, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotRead(file: name, reason: reason)
        }
        let reason: String? = switch info.st_mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "it is a folder"
        case S_IFIFO: "it is a named pipe (FIFO), not a regular file"
        case S_IFSOCK: "it is a socket, not a regular file"
        default: "it is a device, not a regular file"
        }
        let stamp = FileStamp(info)
        if let reason {
            close(descriptor)
            throw .cannotRead(file: name, reason: reason)
        }
        guard stamp.size < Int64(sizeLimit) else {
            close(descriptor)
            throw .tooLarge(file: name, bytes: Int(stamp.size), limit: sizeLimit)
        }
        return (descriptor, stamp)
    }

    var bytes: [UInt8]
    var stamp: FileStamp

    /// Test seam: called with the path once, after the first bytes of a file were read and
    /// before the read is finished and checked, so that a test can really change the file on
    /// disk in the middle of a read (append to it, rewrite it, rename another file over it)
    /// and see the check below catch it. Nil (no call) outside tests.
    @TaskLocal static var duringRead: (@Sendable (String) -> Void)?

    /// Reads `path`. Refuses a file of `sizeLimit` bytes or more before reading it, and a file whose
    /// stamp changed between opening and the end of reading: another program was writing it, and
    /// what we read may be half old, half new.
    static func read(path: String, name: String, sizeLimit: Int) throws(SyncError) -> FileContents {
        let (descriptor, before) = try openRegularFile(path: path, name: name, sizeLimit: sizeLimit)
        defer { close(descriptor) }
        let expected = Int(before.size)
        var failure: SyncError?
        var hook = Self.duringRead
        // One byte more than the size, so that a file that grew while we read it is noticed.
        let bytes = [UInt8](unsafeUninitializedCapacity: expected + 1) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            while count < expected + 1 {
                let got = Foundation.read(descriptor, base + count, expected + 1 - count)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = .cannotRead(file: name, reason: String(cString: strerror(errno)))
                    return
                }
                if got == 0 { break }
                count += got
                if let call = hook {
                    hook = nil
                    call(path)
                }
            }
        }
        if let failure { throw failure }
        var after = stat()
        guard fstat(descriptor, &after) == 0, FileStamp(after) == before, bytes.count == expected,
              FileStamp.of(path) == before
        else { throw .changedWhileReading(file: name) }
        return FileContents(bytes: bytes, stamp: before)
    }
}

/// Writes a file so that readers see the old version or the new one, never a mix: the bytes go
/// to a temporary file beside it (same folder, so the same file system), are flushed to disk,
/// and the temporary file is renamed over the target in one step.
struct AtomicFile {
    let path: String
    let temporaryPath: String
    private(set) var descriptor: Int32

    /// Creates the temporary file. Its name starts with a dot and ends in `.tmp`, so sync
    /// never mistakes it for a peer's deck file.
    init(path: String) throws(SyncError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        Self.removeStaleTemporaryFiles(of: url.lastPathComponent, in: folder)
        temporaryPath = folder + "/." + url.lastPathComponent + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(file: path, reason: String(cString: strerror(errno))) }
        // A file replaced keeps its permissions: a private (0600) export stays private.
        var existing = stat()
        if stat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFREG {
            _ = fchmod(descriptor, existing.st_mode & 0o7777)
        }
    }

    var sink: FileDescriptorSink { FileDescriptorSink(descriptor: descriptor, name: path) }

    /// Removes what a killed `recall export -o` or `recall sync` left beside the target:
    /// `.NAME.PID.RAND.tmp` files whose process is gone (issue 14 item 9), which sync tools
    /// would otherwise copy to every machine. Only this target's own temporary files, never
    /// another's; one of a live process (an export running now) is left alone.
    static func removeStaleTemporaryFiles(of name: String, in folder: String) {
        let prefix = "." + name + "."
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
            let parts = entry.dropFirst(prefix.count).dropLast(4).split(separator: ".")
            guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1]) != nil, pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) == 0 || errno != ESRCH { continue }
            let path = folder + "/" + entry
            var info = stat()
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            unlink(path)
        }
    }

    /// Flushes the bytes to disk and renames the temporary file over `path`.
    mutating func commit() throws(SyncError) {
        defer { descriptor = -1 }
        guard fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            discard()
            throw .cannotWrite(file: path, reason: reason)
        }
        close(descriptor)
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw .cannotWrite(file: path, reason: reason)
        }
    }

    /// Like `commit`, but when the target already holds exactly these bytes the temporary file
    /// is dropped and the target left alone (same inode and times), so that peers watching the
    /// folder see no change. Returns whether the target was replaced.
    mutating func commitIfChanged() throws(SyncError) -> Bool {
        if Self.sameContents(temporaryPath, path) {
            discard()
            return false
        }
        try commit()
        return true
    }

    /// Whether two files hold the same bytes, compared in 1 MB chunks.
    static func sameContents(_ first: String, _ second: String) -> Bool {
        guard let a = FileStamp.of(first), let b = FileStamp.of(second), a.size == b.size else { return false }
        let left = open(first, O_RDONLY | O_CLOEXEC)
        let right = open(second, O_RDONLY | O_CLOEXEC)
        defer {
            if left >= 0 { close(left) }
            if right >= 0 { close(right) }
        }
        guard left >= 0, right >= 0 else { return false }
        let size = 1 << 20
        var one = [UInt8](repeating: 0, count: size)
        var two = [UInt8](repeating: 0, count: size)
        while true {
            let got = one.withUnsafeMutableBytes { readFully(left, $0) }
            let other = two.withUnsafeMutableBytes { readFully(right, $0) }
            if got != other || got < 0 { return false }
            if got == 0 { return true }
            if one[0..<got] != two[0..<got] { return false }
        }
    }

    /// Reads until the buffer is full or the file ends; -1 on error.
    private static func readFully(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var count = 0
        while count < buffer.count {
            let got = Foundation.read(descriptor, base + count, buffer.count - count)
            if got < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if got == 0 { break }
            count += got
        }
        return count
    }

    /// Removes the temporary file (after a failure); the target is untouched.
    mutating func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(temporaryPath)
    }
}

/// Gives memory the process freed back to the system (glibc keeps freed heap pages for later
/// allocations; a pass over a large file frees much that a merge then would not reuse), so
/// that resident memory is what is in use.
func releaseFreedMemory() {
    _ = malloc_trim(0)
}
