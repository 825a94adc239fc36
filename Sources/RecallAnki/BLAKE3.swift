/// BLAKE3 (the hash, default mode, 32-byte output), written from the specification. Anki
/// names the element of a `{{hint:…}}` after the first 8 bytes of the BLAKE3 hash of the
/// field's text and name; recall needs the same bytes to render the same HTML.
enum BLAKE3 {
    private static let iv: [UInt32] = [
        0x6A09_E667, 0xBB67_AE85, 0x3C6E_F372, 0xA54F_F53A, 0x510E_527F, 0x9B05_688C, 0x1F83_D9AB, 0x5BE0_CD19,
    ]
    private static let permutation = [2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8]
    private static let chunkStart: UInt32 = 1, chunkEnd: UInt32 = 2, parent: UInt32 = 4, root: UInt32 = 8
    private static let chunkLength = 1024, blockLength = 64

    static func hash(_ input: [UInt8]) -> [UInt8] {
        let chunkCount = max(1, (input.count + chunkLength - 1) / chunkLength)
        let words = subtree(input, firstChunk: 0, chunkCount: chunkCount, isRoot: true)
        var out: [UInt8] = []
        for word in words.prefix(8) {
            for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
        }
        return out
    }

    /// The chaining value of chunks `firstChunk..<firstChunk+chunkCount` (the root output when
    /// `isRoot`): the left subtree takes the largest power of two of chunks that leaves one or more.
    private static func subtree(_ input: [UInt8], firstChunk: Int, chunkCount: Int, isRoot: Bool) -> [UInt32] {
        if chunkCount == 1 { return chunk(input, index: firstChunk, isRoot: isRoot) }
        var left = 1
        while left * 2 < chunkCount { left *= 2 }
        let l = subtree(input, firstChunk: firstChunk, chunkCount: left, isRoot: false)
        let r = subtree(input, firstChunk: firstChunk + left, chunkCount: chunkCount - left, isRoot: false)
        return Array(compress(iv, l + r, counter: 0, length: UInt32(blockLength), flags: parent | (isRoot ? root : 0)).prefix(8))
    }

    private static func chunk(_ input: [UInt8], index: Int, isRoot: Bool) -> [UInt32] {
        let start = index * chunkLength
        let end = min(input.count, start + chunkLength)
        let bytes = start < end ? Array(input[start..<end]) : []
        let blockCount = max(1, (bytes.count + blockLength - 1) / blockLength)
        var cv = iv
        for block in 0..<blockCount {
            let from = block * blockLength
            let to = min(bytes.count, from + blockLength)
            var words = [UInt32](repeating: 0, count: 16)
            if from < to {
                for (offset, byte) in bytes[from..<to].enumerated() {
                    words[offset / 4] |= UInt32(byte) << UInt32(8 * (offset % 4))
                }
            }
            var flags: UInt32 = 0
            if block == 0 { flags |= chunkStart }
            if block == blockCount - 1 { flags |= chunkEnd | (isRoot ? root : 0) }
            cv = Array(compress(cv, words, counter: UInt64(index), length: UInt32(to - from), flags: flags).prefix(8))
        }
        return cv
    }

    private static func compress(_ cv: [UInt32], _ block: [UInt32], counter: UInt64, length: UInt32, flags: UInt32)
        -> [UInt32]
    {
        var v = cv + [iv[0], iv[1], iv[2], iv[3], UInt32(truncatingIfNeeded: counter), UInt32(truncatingIfNeeded: counter >> 32), length, flags]
        var m = block
        func g(_ a: Int, _ b: Int, _ c: Int, _ d: Int, _ x: UInt32, _ y: UInt32) {
            v[a] = v[a] &+ v[b] &+ x
            v[d] = rotate(v[d] ^ v[a], 16)
            v[c] = v[c] &+ v[d]
            v[b] = rotate(v[b] ^ v[c], 12)
            v[a] = v[a] &+ v[b] &+ y
            v[d] = rotate(v[d] ^ v[a], 8)
            v[c] = v[c] &+ v[d]
            v[b] = rotate(v[b] ^ v[c], 7)
        }
        for round in 0..<7 {
            g(0, 4, 8, 12, m[0], m[1])
            g(1, 5, 9, 13, m[2], m[3])
            g(2, 6, 10, 14, m[4], m[5])
            g(3, 7, 11, 15, m[6], m[7])
            g(0, 5, 10, 15, m[8], m[9])
            g(1, 6, 11, 12, m[10], m[11])
            g(2, 7, 8, 13, m[12], m[13])
            g(3, 4, 9, 14, m[14], m[15])
            if round < 6 { m = permutation.map { m[$0] } }
        }
        for i in 0..<8 {
            v[i] ^= v[i + 8]
            v[i + 8] ^= cv[i]
        }
        return v
    }

    private static func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
