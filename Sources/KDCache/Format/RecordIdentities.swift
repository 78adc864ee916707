/// The sample and view bytes of a record's samples, in slot order: what lets the index be rebuilt
/// from the segments and lets a lookup confirm a hit exactly.
///
/// Each sample is one row, `u32 sample length ‖ sample ‖ view`. When every row has the same
/// length (one dataset, one augmentation recipe: the usual case) the block is `u8 1, u32 row
/// length`, then the rows column by column (byte j of every row) as `PackedColumn`s: every
/// column's mode, then every base, then every bit width, then the packed values in order (a
/// column equal to an earlier one is stored as a reference to it). The
/// bytes equal in every row (dataset name, op tags, normalisation) take no bits, and a record's
/// samples are sorted by identity (see `order(_:)`) so the index's low byte rises in small steps:
/// a sample costs about the bits of its index, crop offsets and flip. Otherwise the block is
/// `u8 0` and each row preceded by its u32 length.
enum RecordIdentities {
    /// One sample's stored sample and view bytes.
    struct Identity: Equatable {
        var sample: [UInt8], view: [UInt8]

        init(sample: [UInt8], view: [UInt8]) {
            self.sample = sample
            self.view = view
        }
        init(_ key: StoreKey) { self.init(sample: key.sample, view: key.view) }

        /// The index key of this sample under the teacher with digest `fingerprint`.
        func digest(fingerprint: [UInt8]) -> KeyDigest {
            KeyDigest(fingerprintDigest: fingerprint, sample: sample, view: view)
        }
    }

    /// The slot order that stores `keys` compactly: sorted by sample bytes, then view bytes.
    static func order(_ keys: [StoreKey]) -> [Int] {
        keys.indices.sorted { a, b in
            keys[a].sample == keys[b].sample
                ? keys[a].view.lexicographicallyPrecedes(keys[b].view)
                : keys[a].sample.lexicographicallyPrecedes(keys[b].sample)
        }
    }

    static func encode(_ keys: [StoreKey]) -> [UInt8] {
        let rows = keys.map { key -> [UInt8] in
            var row = [UInt8]()
            row.reserveCapacity(4 + key.sample.count + key.view.count)
            row.appendLE(UInt32(key.sample.count))
            row += key.sample
            row += key.view
            return row
        }
        var out = [UInt8]()
        if let width = rows.first?.count, rows.allSatisfy({ $0.count == width }) {
            out.append(1)
            out.appendLE(UInt32(width))
            var seen: [[UInt8]: Int] = [:]
            let columns = (0..<width).map { j -> PackedColumn in
                let column = rows.map { $0[j] }
                defer { seen[column] = j }
                if let earlier = seen[column], j - earlier <= 255 { return PackedColumn(copyOf: j - earlier) }
                return PackedColumn(column)
            }
            out += columns.map(\.mode)
            out += columns.map(\.base)
            out += columns.map(\.bits)
            for column in columns { out += column.packed }
        } else {
            out.append(0)
            for row in rows {
                out.appendLE(UInt32(row.count))
                out += row
            }
        }
        return out
    }

    /// The `count` identities of a record, or nil when the block is malformed.
    static func decode(_ raw: [UInt8], count: Int) -> [Identity]? {
        raw.withUnsafeBytes { bytes -> [Identity]? in
            var c = ByteCursor(bytes)
            var rows: [[UInt8]] = []
            rows.reserveCapacity(count)
            switch c.read(UInt8.self) {
            case 1:
                guard let width = c.read(UInt32.self).map(Int.init), width <= c.remaining / 3,
                    let modes = c.readBytes(width), let bases = c.readBytes(width), let bits = c.readBytes(width)
                else { return nil }
                rows = Array(repeating: Array(repeating: 0, count: width), count: count)
                for j in 0..<width {
                    guard var column = PackedColumn(mode: modes[j], base: bases[j], bits: bits[j]) else { return nil }
                    if column.mode == 2 {
                        guard Int(column.base) <= j else { return nil }
                        for i in 0..<count { rows[i][j] = rows[i][j - Int(column.base)] }
                        continue
                    }
                    guard let packed = c.readBytes(column.packedSize(count: count)) else { return nil }
                    column.packed = packed
                    for (i, v) in column.values(count: count).enumerated() { rows[i][j] = v }
                }
                guard c.remaining == 0 else { return nil }
            case 0:
                for _ in 0..<count {
                    guard let n = c.read(UInt32.self), let row = c.readBytes(Int(n)) else { return nil }
                    rows.append(row)
                }
                guard c.remaining == 0 else { return nil }
            default:
                return nil
            }
            var identities: [Identity] = []
            identities.reserveCapacity(count)
            for row in rows {
                guard row.count >= 4 else { return nil }
                let n = (0..<4).reduce(0) { $0 | Int(row[$1]) << (8 * $1) }
                guard n <= row.count - 4 else { return nil }
                identities.append(Identity(sample: Array(row[4..<(4 + n)]), view: Array(row[(4 + n)...])))
            }
            return identities
        }
    }
}
