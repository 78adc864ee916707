/// A bounds-checked cursor over bytes: every read checks the length first and throws a
/// `DataError` naming the file and offset instead of trapping.
struct ByteReader {
    let bytes: [UInt8]
    let file: String
    private(set) var offset: Int

    init(_ bytes: [UInt8], file: String, offset: Int = 0) {
        self.bytes = bytes
        self.file = file
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws `truncated` unless `count` more bytes are available.
    func require(_ count: Int) throws {
        guard count >= 0, count <= remaining else {
            throw DataError.truncated(file: file, offset: offset, needed: count, available: max(0, remaining))
        }
    }

    mutating func seek(to newOffset: Int) throws {
        guard newOffset >= 0, newOffset <= bytes.count else {
            throw DataError.corrupt(
                file: file, offset: offset, reason: "offset \(newOffset) outside file of \(bytes.count) bytes")
        }
        offset = newOffset
    }

    mutating func skip(_ count: Int) throws {
        try require(count)
        offset += count
    }

    mutating func readBytes(_ count: Int) throws -> ArraySlice<UInt8> {
        try require(count)
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func u8() throws -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16LE() throws -> UInt16 { UInt16(truncatingIfNeeded: try uintLE(2)) }
    mutating func u32LE() throws -> UInt32 { UInt32(truncatingIfNeeded: try uintLE(4)) }
    mutating func u64LE() throws -> UInt64 { try uintLE(8) }

    mutating func u32BE() throws -> UInt32 {
        try require(4)
        var v: UInt32 = 0
        for i in 0..<4 { v = (v << 8) | UInt32(bytes[offset + i]) }
        offset += 4
        return v
    }

    private mutating func uintLE(_ width: Int) throws -> UInt64 {
        try require(width)
        var v: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) { v = (v << 8) | UInt64(bytes[offset + i]) }
        offset += width
        return v
    }
}

/// Multiplies sizes taken from untrusted headers, returning nil on overflow or negatives.
func checkedProduct(_ values: [Int]) -> Int? {
    var acc = 1
    for v in values {
        guard v >= 0 else { return nil }
        let (p, overflow) = acc.multipliedReportingOverflow(by: v)
        if overflow { return nil }
        acc = p
    }
    return acc
}
