/// A 64-bit hash for change detection, eight bytes a step (FNV-1a goes a byte at a time, and
/// hashing every note's text that way was a fifth of a sync that finds nothing changed): sync's
/// fingerprint of the whole store, and the buckets of a merge's card copies. Never stored as a
/// key, so it may change between versions (`FNV64` is the stable one): a change of the
/// fingerprint costs one full sync.
public struct ChangeHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ word: UInt64) {
        value = (value ^ word) &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 32
    }

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 8 <= bytes.count {
            add(UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        var tail: UInt64 = 0
        while offset < bytes.count {
            tail = tail << 8 | UInt64(bytes[offset])
            offset += 1
        }
        add(tail)
        add(UInt64(bytes.count))
    }
}
