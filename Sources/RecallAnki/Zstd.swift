import CZstd
import Foundation

/// zstd decompression (Debian's libzstd), streaming, with a cap on what comes out: a package is
/// untrusted, and a few kilobytes of zstd can claim gigabytes (a decompression bomb).
enum Zstd {
    /// zstd frames start with these four bytes.
    static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    static func isZstd(_ data: Data) -> Bool { data.count >= 4 && Array(data.prefix(4)) == magic }

    enum Failure: Error, Equatable {
        case truncated
        case invalid(String)
        case tooLarge(limit: Int)
    }

    /// Decompresses every frame of `input`, handing the output to `sink` in chunks; stops with
    /// `tooLarge` as soon as more than `limit` bytes came out.
    static func decompress(_ input: Data, limit: Int, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        // A frame that declares more than the limit is refused before a byte is decompressed.
        let declared = input.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        if declared != ZSTD_CONTENTSIZE_UNKNOWN, declared != ZSTD_CONTENTSIZE_ERROR, declared > UInt64(limit) {
            throw Failure.tooLarge(limit: limit)
        }
        guard let stream = ZSTD_createDStream() else { throw Failure.invalid("out of memory") }
        defer { ZSTD_freeDStream(stream) }
        ZSTD_initDStream(stream)
        let chunk = ZSTD_DStreamOutSize()
        var output = [UInt8](repeating: 0, count: chunk)
        var produced = 0
        var lastHint = 0
        try input.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            var inBuffer = ZSTD_inBuffer(src: source.baseAddress, size: source.count, pos: 0)
            repeat {
                let hint = try output.withUnsafeMutableBytes { (out: UnsafeMutableRawBufferPointer) -> Int in
                    var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                    let result = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
                    if ZSTD_isError(result) != 0 {
                        throw Failure.invalid(String(cString: ZSTD_getErrorName(result)))
                    }
                    produced += outBuffer.pos
                    if produced > limit { throw Failure.tooLarge(limit: limit) }
                    if outBuffer.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[0..<outBuffer.pos])) }
                    // A full output buffer may hold more to flush even with all input read.
                    return outBuffer.pos == out.count ? -1 : result
                }
                lastHint = hint
            } while inBuffer.pos < inBuffer.size || lastHint == -1
        }
        // A non-zero hint with the input all read: the frame wants bytes that are not there.
        if lastHint != 0 { throw Failure.truncated }
        if input.isEmpty { throw Failure.truncated }
    }

    /// Decompresses `input` into memory, at most `limit` bytes.
    static func decompress(_ input: Data, limit: Int) throws -> Data {
        var result = Data()
        try decompress(input, limit: limit) { result.append(contentsOf: $0) }
        return result
    }
}
