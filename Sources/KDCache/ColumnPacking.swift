/// Bit-packs one byte column of a record's identities (byte j of every sample's identity): as
/// offsets (mod 256) from a base, or — when that is narrower, as for a column sorted ascending —
/// as steps from the value before. The base starts the shortest arc of the byte circle holding
/// every value, so the bytes of small negative integers (0xFE, 0xFF, 0x00, 0x01: a crop offset
/// of −2…1) take 2 bits, not 8. A column equal in every row takes no bits.
///
/// Layout: u8 mode (0 offsets, 1 steps), u8 base (the arc's start, or the first value), u8 bits,
/// then the values (n offsets, or n − 1 steps) of `bits` bits each, least significant first,
/// padded to a whole byte.
enum ColumnPacking {
    static func pack(_ column: [UInt8], into out: inout [UInt8]) {
        guard let first = column.first else { return }
        let low = arcStart(column)
        let offsets = column.map { $0 &- low }
        let steps = zip(column.dropFirst(), column).map { $0 &- $1 }
        let offsetBits = bitWidth(offsets.max() ?? 0), stepBits = bitWidth(steps.max() ?? 0)
        if stepBits < offsetBits {
            out += [1, first, UInt8(stepBits)]
            writeBits(steps, bits: stepBits, into: &out)
        } else {
            out += [0, low, UInt8(offsetBits)]
            writeBits(offsets, bits: offsetBits, into: &out)
        }
    }

    /// The `count` bytes of a column packed at the cursor, or nil when the bytes are malformed.
    static func unpack(_ c: inout ByteCursor, count: Int) -> [UInt8]? {
        guard count > 0 else { return [] }
        guard let mode = c.read(UInt8.self), let base = c.read(UInt8.self), let bits = c.read(UInt8.self).map(Int.init),
              bits <= 8, mode <= 1 else { return nil }
        let n = mode == 1 ? count - 1 : count
        guard let packed = c.readBytes((n * bits + 7) / 8) else { return nil }
        var values = [UInt8](repeating: 0, count: n)
        for i in 0..<n where bits > 0 {
            var v = 0
            for b in 0..<bits {
                let bit = i * bits + b
                v |= Int(packed[bit >> 3] >> UInt8(bit & 7) & 1) << b
            }
            values[i] = UInt8(v)
        }
        if mode == 0 { return values.map { $0 &+ base } }
        var column = [base]
        column.reserveCapacity(count)
        for step in values { column.append(column[column.count - 1] &+ step) }
        return column
    }

    private static func bitWidth(_ v: UInt8) -> Int { 8 - v.leadingZeroBitCount }

    /// The value after the widest empty gap between the column's distinct values, going round
    /// the byte circle: where the shortest arc covering them all starts.
    private static func arcStart(_ column: [UInt8]) -> UInt8 {
        var present = [Bool](repeating: false, count: 256)
        for v in column { present[Int(v)] = true }
        let values = (0..<256).filter { present[$0] }
        var start = values[0], widestGap = values[0] + 256 - values[values.count - 1]
        for (a, b) in zip(values, values.dropFirst()) where b - a > widestGap {
            widestGap = b - a
            start = b
        }
        return UInt8(start)
    }

    private static func writeBits(_ values: [UInt8], bits: Int, into out: inout [UInt8]) {
        guard bits > 0 else { return }
        var packed = [UInt8](repeating: 0, count: (values.count * bits + 7) / 8)
        for (i, v) in values.enumerated() {
            for b in 0..<bits where v >> UInt8(b) & 1 == 1 {
                let bit = i * bits + b
                packed[bit >> 3] |= 1 << UInt8(bit & 7)
            }
        }
        out += packed
    }
}
