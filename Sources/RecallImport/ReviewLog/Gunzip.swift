import CGzip
import Foundation

/// Decompresses gzip data (RFC 1952, several members allowed) with zlib.
enum Gunzip {
    struct Failure: Error {
        let reason: String
    }

    static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    static func decompress(_ data: Data) throws(Failure) -> [UInt8] {
        var stream = z_stream()
        // 15 + 32: a gzip or zlib header, detected automatically.
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(reason: "cannot start zlib")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(data.count * 4)
        let chunk = 1 << 20
        var buffer = [UInt8](repeating: 0, count: chunk)
        var input = [UInt8](data)
        var status: Int32 = Z_OK
        try input.withUnsafeMutableBufferPointer { (inBuffer: inout UnsafeMutableBufferPointer<UInt8>) throws(Failure) in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            while true {
                let produced = buffer.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                output.append(contentsOf: buffer[0..<produced])
                if status == Z_STREAM_END {
                    // Another gzip member may follow (files joined with cat).
                    if stream.avail_in == 0 { break }
                    guard inflateReset(&stream) == Z_OK else { throw Failure(reason: "corrupt gzip data") }
                    continue
                }
                guard status == Z_OK else { throw Failure(reason: "corrupt gzip data") }
                if stream.avail_in == 0 && produced == 0 { throw Failure(reason: "truncated gzip data") }
            }
        }
        return output
    }
}
