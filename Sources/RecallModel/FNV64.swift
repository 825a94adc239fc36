/// 64-bit FNV-1a: small and stable across platforms and versions (unlike `Hasher`, which is
/// seeded per process), so a hash written by one recall matches in another. Used for import
/// matching keys and for sync's change detection; not a security hash.
public struct FNV64: Sendable, Equatable {
    public var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }

    public mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var hash = value
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = hash
    }

    public mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    public mutating func add(_ number: Int64) {
        withUnsafeBytes(of: number.littleEndian) { add($0) }
    }

    /// The value as 16 lowercase hex digits.
    public var hex: String { Self.hex(value) }

    /// Any 64-bit value as 16 lowercase hex digits, the form of recall's keys and guids
    /// (`lower(hex(randomblob(8)))` in SQL), written in place.
    public static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<16 {
                buffer[index] = digits.utf8Start[Int((value >> UInt64(60 - 4 * index)) & 0xf)]
            }
            return 16
        }
    }
}
