/// One byte column of a record's identities (byte j of every sample's identity), bit-packed: as
/// offsets (mod 256) from a base, or — when that is narrower, as for a column sorted ascending —
/// as steps from the value before. The base starts the shortest arc of the byte circle holding
/// every value, so the bytes of small negative integers (0xFE, 0xFF, 0x00, 0x01: a crop offset
/// of −2…1) take 2 bits, not 8. A column equal in every row takes no bits, and so does a column
/// equal to one of the 255 before it (the sign-extension bytes of a small integer).
///
/// `RecordIdentities` stores every column's mode, base and bits apart from the packed values, so
/// the descriptions — alike from record to record — compress to almost nothing.
struct PackedColumn: Equatable {
    /// 0: offsets from `base`; 1: steps, `base` being the first value; 2: a copy of the column
    /// `base` places before.
    var mode: UInt8
    var base: UInt8
    /// Bits per packed value (0…8).
    var bits: UInt8
    /// The values (n offsets, or n − 1 steps) of `bits` bits each, least significant first,
    /// padded to a whole byte.
    var packed: [UInt8] = []

    init(_ column: [UInt8]) {
        let first = column.first ?? 0
        let low = Self.arcStart(column)
        let offsets = column.map { $0 &- low }
        let steps = zip(column.dropFirst(), column).map { $0 &- $1 }
        let offsetBits = Self.bitWidth(offsets.max() ?? 0), stepBits = Self.bitWidth(steps.max() ?? 0)
        if stepBits < offsetBits {
            (mode, base, bits) = (1, first, UInt8(stepBits))
            packed = Self.packBits(steps, bits: stepBits)
        } else {
            (mode, base, bits) = (0, low, UInt8(offsetBits))
            packed = Self.packBits(offsets, bits: offsetBits)
        }
    }

    /// A copy of the column `distance` (1…255) places before.
    init(copyOf distance: Int) {
        (mode, base, bits) = (2, UInt8(distance), 0)
    }

    /// A column read back from its description; nil when the description is malformed.
    init?(mode: UInt8, base: UInt8, bits: UInt8) {
        guard mode <= 2, bits <= 8, mode != 2 || (base > 0 && bits == 0) else { return nil }
        (self.mode, self.base, self.bits) = (mode, base, bits)
    }

    /// Bytes of packed values for a column of `count` rows.
    func packedSize(count: Int) -> Int { ((mode == 1 ? count - 1 : count) * Int(bits) + 7) / 8 }

    /// The column's `count` bytes from `packed` (not for copies).
    func values(count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        let n = mode == 1 ? count - 1 : count, width = Int(bits)
        var values = [UInt8](repeating: 0, count: n)
        for i in 0..<n where width > 0 {
            var v = 0
            for b in 0..<width {
                let bit = i * width + b
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
        guard let first = values.first, let last = values.last else { return 0 }
        var start = first, widestGap = first + 256 - last
        for (a, b) in zip(values, values.dropFirst()) where b - a > widestGap {
            widestGap = b - a
            start = b
        }
        return UInt8(start)
    }

    private static func packBits(_ values: [UInt8], bits: Int) -> [UInt8] {
        guard bits > 0 else { return [] }
        var packed = [UInt8](repeating: 0, count: (values.count * bits + 7) / 8)
        for (i, v) in values.enumerated() {
            for b in 0..<bits where v >> UInt8(b) & 1 == 1 {
                let bit = i * bits + b
                packed[bit >> 3] |= 1 << UInt8(bit & 7)
            }
        }
        return packed
    }
}
