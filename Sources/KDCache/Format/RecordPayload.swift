import KDTensor

/// One tap of a record as stored: every value exactly representable in the stored precision.
public enum StoredColumn: Sendable, Equatable {
    /// `count × elements` values.
    case dense([Float])
    /// Per sample, k class indices (most probable first), and k probabilities followed by the
    /// leftover mass (`count × (k + 1)` values).
    case topK(indices: [UInt16], values: [Float])
}

extension StoredColumn {
    /// The column's rows `rows` (in that order) of its `count`.
    func rows(_ rows: [Int], of count: Int) -> StoredColumn {
        func pick<T>(_ values: [T]) -> [T] {
            let per = values.count / max(count, 1)
            return rows.flatMap { values[($0 * per)..<(($0 + 1) * per)] }
        }
        if rows == Array(0..<count) { return self }
        switch self {
        case .dense(let values): return .dense(pick(values))
        case let .topK(indices, values): return .topK(indices: pick(indices), values: pick(values))
        }
    }
}

/// A record's uncompressed payload: every tap of `count` samples, taps in name order, each
/// tap's values byte-planar in the stored precision (top-k taps: indices, then probabilities
/// and leftover mass).
enum RecordPayload {
    /// The layouts and stored columns of a batch of outputs (every tensor's first dimension is `count`).
    static func columns(_ outputs: [String: Tensor], count: Int, encoding: PayloadEncoding) -> (
        taps: [TapLayout], columns: [String: StoredColumn]
    ) {
        var taps = [TapLayout](), columns: [String: StoredColumn] = [:]
        for name in outputs.keys.sorted() {
            let tensor = outputs[name]!
            precondition(tensor.shape[0] == count, "tap \(name): \(tensor.shape) does not hold \(count) samples")
            let dims = Array(tensor.shape.dims.dropFirst())
            let elements = dims.reduce(1, *)
            if let k = encoding.topK, name == "logits", dims.count == 1, k < elements, elements <= Int(UInt16.max) + 1 {
                taps.append(TapLayout(name: name, dims: dims, topK: k))
                var indices = [UInt16](), values = [Float]()
                indices.reserveCapacity(count * k)
                values.reserveCapacity(count * (k + 1))
                tensor.withUnsafeBufferPointer { all in
                    for n in 0..<count {
                        let top = TopK.encode(
                            UnsafeBufferPointer(rebasing: all[(n * elements)..<((n + 1) * elements)]), k: k)
                        indices += top.indices
                        values += top.probabilities
                        values.append(top.leftover)
                    }
                }
                columns[name] = .topK(
                    indices: indices, values: values.map { FloatPacking.rounded($0, encoding.precision) })
            } else {
                taps.append(TapLayout(name: name, dims: dims, topK: 0))
                columns[name] = .dense(
                    tensor.withUnsafeBufferPointer { $0.map { FloatPacking.rounded($0, encoding.precision) } })
            }
        }
        return (taps, columns)
    }

    /// The raw payload of stored columns, taps in `taps` order.
    static func encode(_ columns: [String: StoredColumn], taps: [TapLayout], precision: StoredPrecision) -> [UInt8] {
        var raw = [UInt8]()
        for tap in taps {
            switch columns[tap.name]! {
            case .dense(let values):
                values.withUnsafeBufferPointer { FloatPacking.pack($0, precision, into: &raw) }
            case let .topK(indices, values):
                FloatPacking.packIndices(indices, into: &raw)
                values.withUnsafeBufferPointer { FloatPacking.pack($0, precision, into: &raw) }
            }
        }
        return raw
    }

    /// The layouts and raw payload of a batch of outputs.
    static func encode(_ outputs: [String: Tensor], count: Int, encoding: PayloadEncoding) -> (
        taps: [TapLayout], raw: [UInt8]
    ) {
        let (taps, columns) = columns(outputs, count: count, encoding: encoding)
        return (taps, encode(columns, taps: taps, precision: encoding.precision))
    }

    /// Every tap's stored column, or nil when the payload does not hold what the layouts say.
    static func columns(_ raw: [UInt8], taps: [TapLayout], count: Int, precision: StoredPrecision) -> [String:
        StoredColumn]?
    {
        guard raw.count == taps.reduce(0, { $0 + $1.rawBytes(count: count, precision) }) else { return nil }
        var out: [String: StoredColumn] = [:]
        var offset = 0
        raw.withUnsafeBytes { bytes in
            for tap in taps {
                let n = tap.topK > 0 ? count * (tap.topK + 1) : count * tap.elements
                var indices: [UInt16] = []
                if tap.topK > 0 {
                    indices = FloatPacking.unpackIndices(bytes, at: offset, count: count * tap.topK)
                    offset += 2 * count * tap.topK
                }
                var values = [Float](repeating: 0, count: n)
                values.withUnsafeMutableBufferPointer {
                    FloatPacking.unpack(bytes, at: offset, count: n, precision, into: $0)
                }
                offset += n * precision.width
                out[tap.name] = tap.topK > 0 ? .topK(indices: indices, values: values) : .dense(values)
            }
        }
        return out
    }

    /// The values a lookup serves from a stored column: dense values as stored, top-k as
    /// log-probabilities over all classes.
    static func served(_ column: StoredColumn, tap: TapLayout, count: Int) -> [Float] {
        switch column {
        case .dense(let values):
            return values
        case let .topK(indices, stored):
            let k = tap.topK, elements = tap.elements
            var values = [Float](repeating: 0, count: count * elements)
            stored.withUnsafeBufferPointer { s in
                values.withUnsafeMutableBufferPointer { v in
                    for n in 0..<count {
                        TopK.decode(
                            indices: indices[(n * k)..<((n + 1) * k)],
                            probabilities: UnsafeBufferPointer(rebasing: s[(n * (k + 1))..<(n * (k + 1) + k)]),
                            leftover: s[n * (k + 1) + k], classes: elements,
                            into: UnsafeMutableBufferPointer(rebasing: v[(n * elements)..<((n + 1) * elements)]))
                    }
                }
            }
            return values
        }
    }

    /// Every tap of the record as `count × elements` served floats, or nil when the payload does
    /// not hold what the layouts say.
    static func decode(_ raw: [UInt8], taps: [TapLayout], count: Int, precision: StoredPrecision) -> [String: [Float]]?
    {
        guard let columns = columns(raw, taps: taps, count: count, precision: precision) else { return nil }
        var out: [String: [Float]] = [:]
        for tap in taps { out[tap.name] = served(columns[tap.name]!, tap: tap, count: count) }
        return out
    }
}
