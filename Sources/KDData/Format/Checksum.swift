import CZlib

/// CRC-32 (IEEE polynomial, zlib's `crc32`): the checksum of shards, records and source files.
enum Checksum {
    /// The CRC-32 of `bytes`, continuing from `initial` (0 to start).
    public static func crc32(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var crc = UInt(initial)
        var base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var left = bytes.count
        // zlib takes a 32-bit length; feed large buffers in chunks.
        while left > 0, let p = base {
            let n = min(left, 1 << 30)
            crc = CZlib.crc32(crc, p, UInt32(n))
            base = p + n
            left -= n
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The CRC-32 of a byte array.
    public static func crc32(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, initial: initial) }
    }

    /// The CRC-32 of a byte slice.
    public static func crc32(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0, initial: initial) }
    }
}
