import CGzip
import Foundation

/// Writes the zip of a package. ZIPFoundation reads packages; writing goes through this small
/// writer because ZIPFoundation deflates only at zlib's default level, which took a third of
/// the time of a 500,000-review export: the collection is deflated here at level 1 (a package
/// about 10 % larger, written three times faster), in one pass and in chunks, CRC-32 from zlib.
///
/// Plain zip (no zip64): an entry and the archive stay under 4 GiB and 65,535 entries, or the
/// write fails with a message instead of writing a zip Anki cannot read.
final class AnkiZipWriter {
    private struct CentralEntry {
        var name: [UInt8]
        var crc: UInt32
        var compressedSize: UInt32
        var size: UInt32
        var method: UInt16
        var offset: UInt32
    }

    private let handle: FileHandle
    private var entries: [CentralEntry] = []
    private var offset: UInt64 = 0
    private let dosTime: UInt16
    private let dosDate: UInt16

    init(path: String, modified: Date) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path)
        else { throw AnkiWriteError("cannot create \(path)") }
        self.handle = handle
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: modified)
        dosTime = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        dosDate = UInt16(max((parts.year ?? 1980) - 1980, 0) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
    }

    deinit { try? handle.close() }

    /// Adds an entry holding `data`, deflated (level 1) or stored.
    func add(_ name: String, data: Data, deflate: Bool) throws {
        let crc = data.withUnsafeBytes { bytes in
            UInt32(crc32(0, bytes.bindMemory(to: Bytef.self).baseAddress, uInt(bytes.count)))
        }
        let body = deflate ? try Self.deflate(data) : data
        try add(name, body: body, crc: crc, size: data.count, method: deflate ? 8 : 0)
    }

    /// Adds an entry holding the file at `path`, deflated (level 1) or stored. A large file is
    /// deflated in rounds of one 4 MB piece per core, the pieces of a round at the same time,
    /// straight into the zip (the collection never sits in memory whole); the sizes and CRC go
    /// into the header afterwards.
    ///
    /// Each piece is deflated on its own (pigz's scheme): all but the file's last end on a byte
    /// boundary with a sync flush (an empty stored block) instead of a final block, so that the
    /// pieces one after the other are one valid deflate stream; the CRC-32s combine with zlib's
    /// `crc32_combine`. A piece starts without the 32 KB of history before it: the package
    /// grows by well under 1 %.
    func add(_ name: String, file path: String, deflate: Bool) throws {
        guard deflate, let input = FileHandle(forReadingAtPath: path) else {
            guard let data = FileManager.default.contents(atPath: path) else { throw AnkiWriteError("cannot read \(path)") }
            return try add(name, data: data, deflate: deflate)
        }
        defer { try? input.close() }
        let total = try input.seekToEnd()
        try input.seek(toOffset: 0)
        let nameBytes = Array(name.utf8)
        let headerOffset = offset
        try write(localHeader(nameBytes, method: 8, crc: 0, compressedSize: 0, size: 0))
        var crc: uLong = crc32(0, nil, 0)
        var size: UInt64 = 0
        var compressed: UInt64 = 0
        let pieceSize = 4 << 20
        let perRound = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        repeat {
            var pieces: [Data] = []
            while pieces.count < perRound, size < total {
                let piece = try input.read(upToCount: pieceSize) ?? Data()
                if piece.isEmpty { break }
                size += UInt64(piece.count)
                pieces.append(piece)
            }
            let last = size >= total
            let results = DeflatedPieces(count: max(pieces.count, 1))
            let round = pieces.isEmpty ? [Data()] : pieces
            DispatchQueue.concurrentPerform(iterations: round.count) { index in
                results.set(index, Self.deflatePiece(round[index], final: last && index == round.count - 1))
            }
            for (index, result) in results.all.enumerated() {
                guard let result else { throw AnkiWriteError("zlib's deflate failed on \(name)") }
                crc = crc32_combine(crc, result.crc, off_t(round[index].count))
                try write(result.body)
                compressed += UInt64(result.body.count)
            }
            if last { break }
        } while true
        guard size < 0xFFFF_FFFF, compressed < 0xFFFF_FFFF, headerOffset < 0xFFFF_FFFF else {
            throw AnkiWriteError("\(name) would exceed 4 GiB, more than a plain zip holds")
        }
        // The header written first had no sizes: write it again over itself, now that they are known.
        let header = localHeader(nameBytes, method: 8, crc: UInt32(crc), compressedSize: UInt32(compressed), size: UInt32(size))
        try handle.seek(toOffset: headerOffset)
        try handle.write(contentsOf: header)
        try handle.seekToEnd()
        entries.append(CentralEntry(name: nameBytes, crc: UInt32(crc), compressedSize: UInt32(compressed), size: UInt32(size),
                                    method: 8, offset: UInt32(headerOffset)))
    }

    /// One piece of a file raw-deflated at level 1 with its CRC-32: ended by a final block
    /// when it is the file's last piece, else by a sync flush; nil when zlib fails.
    static func deflatePiece(_ data: Data, final: Bool) -> (body: Data, crc: uLong)? {
        var stream = z_stream()
        guard deflateInit2_(&stream, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        // Room for the worst case and the flush's empty block.
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))) + 16)
        let result: (Int, uLong)? = data.withUnsafeBytes { input in
            output.withUnsafeMutableBytes { out in
                let base = input.bindMemory(to: Bytef.self).baseAddress
                let crc = crc32(crc32(0, nil, 0), base, uInt(input.count))
                stream.next_in = UnsafeMutablePointer(mutating: base)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                let code = CGzip.deflate(&stream, final ? Z_FINISH : Z_SYNC_FLUSH)
                guard final ? code == Z_STREAM_END : (code == Z_OK && stream.avail_in == 0) else { return nil }
                return (Int(stream.total_out), crc)
            }
        }
        guard let (written, crc) = result else { return nil }
        output.count = written
        return (output, crc)
    }

    private func localHeader(_ name: [UInt8], method: UInt16, crc: UInt32, compressedSize: UInt32, size: UInt32) -> Data {
        var header = Data()
        header.append(le32: 0x0403_4B50)
        header.append(le16: 20)
        header.append(le16: 0x0800)  // UTF-8 names
        header.append(le16: method)
        header.append(le16: dosTime)
        header.append(le16: dosDate)
        header.append(le32: crc)
        header.append(le32: compressedSize)
        header.append(le32: size)
        header.append(le16: UInt16(name.count))
        header.append(le16: 0)
        header.append(contentsOf: name)
        return header
    }

    /// Writes the central directory; the zip is complete after this.
    func finish() throws {
        let start = offset
        var directory = Data()
        for entry in entries {
            directory.append(le32: 0x0201_4B50)
            directory.append(le16: 20)  // made by: 2.0, MS-DOS attributes
            directory.append(le16: 20)  // version needed: 2.0
            directory.append(le16: 0x0800)  // UTF-8 names
            directory.append(le16: entry.method)
            directory.append(le16: dosTime)
            directory.append(le16: dosDate)
            directory.append(le32: entry.crc)
            directory.append(le32: entry.compressedSize)
            directory.append(le32: entry.size)
            directory.append(le16: UInt16(entry.name.count))
            directory.append(le16: 0)  // extra
            directory.append(le16: 0)  // comment
            directory.append(le16: 0)  // disk
            directory.append(le16: 0)  // internal attributes
            directory.append(le32: 0)  // external attributes
            directory.append(le32: entry.offset)
            directory.append(contentsOf: entry.name)
        }
        guard entries.count < 0xFFFF, start + UInt64(directory.count) < 0xFFFF_FFFF else {
            throw AnkiWriteError("the package would exceed 4 GiB or 65,535 files, more than a plain zip holds")
        }
        let size = UInt32(directory.count)
        directory.append(le32: 0x0605_4B50)  // end of central directory
        directory.append(le16: 0)
        directory.append(le16: 0)
        directory.append(le16: UInt16(entries.count))
        directory.append(le16: UInt16(entries.count))
        directory.append(le32: size)
        directory.append(le32: UInt32(start))
        directory.append(le16: 0)
        try write(directory)
        try handle.synchronize()
        try handle.close()
    }

    private func add(_ name: String, body: Data, crc: UInt32, size: Int, method: UInt16) throws {
        let nameBytes = Array(name.utf8)
        guard size < 0xFFFF_FFFF, body.count < 0xFFFF_FFFF, offset < 0xFFFF_FFFF else {
            throw AnkiWriteError("\(name) would exceed 4 GiB, more than a plain zip holds")
        }
        let header = localHeader(nameBytes, method: method, crc: crc, compressedSize: UInt32(body.count), size: UInt32(size))
        entries.append(CentralEntry(name: nameBytes, crc: crc, compressedSize: UInt32(body.count), size: UInt32(size),
                                    method: method, offset: UInt32(offset)))
        try write(header)
        try write(body)
    }

    private func write(_ data: Data) throws {
        try handle.write(contentsOf: data)
        offset += UInt64(data.count)
    }

    /// Raw deflate (no zlib header), as zip stores it, at level 1.
    static func deflate(_ data: Data) throws -> Data {
        var stream = z_stream()
        guard deflateInit2_(&stream, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw AnkiWriteError("cannot start zlib's deflate") }
        defer { deflateEnd(&stream) }
        var output = Data(count: Int(deflateBound(&stream, uLong(data.count))))
        let written: Int = try data.withUnsafeBytes { input in
            try output.withUnsafeMutableBytes { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.bindMemory(to: Bytef.self).baseAddress
                stream.avail_out = uInt(out.count)
                guard CGzip.deflate(&stream, Z_FINISH) == Z_STREAM_END else { throw AnkiWriteError("zlib's deflate failed") }
                return Int(stream.total_out)
            }
        }
        output.count = written
        return output
    }
}

/// The pieces of one round of `AnkiZipWriter.add(_:file:deflate:)`, each set by its own task.
private final class DeflatedPieces: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [(body: Data, crc: uLong)?]

    init(count: Int) { pieces = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ piece: (body: Data, crc: uLong)?) { lock.withLock { pieces[index] = piece } }

    var all: [(body: Data, crc: uLong)?] { lock.withLock { pieces } }
}

extension Data {
    mutating func append(le16 value: UInt16) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
    mutating func append(le32 value: UInt32) { Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) } }
}
