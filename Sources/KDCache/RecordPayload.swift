import KDTensor

/// A record's uncompressed payload: every tap of `count` samples, taps in name order, each
/// tap's values byte-planar in the stored precision (top-k taps: indices, then probabilities
/// and leftover mass).
enum RecordPayload {
    /// The layouts and raw payload of a batch of outputs (every tensor's first dimension is `count`).
    static func encode(_ outputs: [String: Tensor], count: Int, encoding: PayloadEncoding) -> (taps: [TapLayout], raw: [UInt8]) {
        var raw = [UInt8](), taps = [TapLayout]()
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
                        let top = TopK.encode(UnsafeBufferPointer(rebasing: all[(n * elements)..<((n + 1) * elements)]), k: k)
                        indices += top.indices
                        values += top.probabilities
                        values.append(top.leftover)
                    }
                }
                FloatPacking.packIndices(indices, into: &raw)
                values.withUnsafeBufferPointer { FloatPacking.pack($0, encoding.precision, into: &raw) }
            } else {
                taps.append(TapLayout(name: name, dims: dims, topK: 0))
                tensor.withUnsafeBufferPointer { FloatPacking.pack($0, encoding.precision, into: &raw) }
            }
        }
        return (taps, raw)
    }

    /// Every tap of the record as `count × elements` floats (top-k taps as log-probabilities),
    /// or nil when the payload does not hold what the layouts say.
    static func decode(_ raw: [UInt8], taps: [TapLayout], count: Int, precision: StoredPrecision) -> [String: [Float]]? {
        guard raw.count == taps.reduce(0, { $0 + $1.rawBytes(count: count, precision) }) else { return nil }
        var out: [String: [Float]] = [:]
        var offset = 0
        raw.withUnsafeBytes { bytes in
            for tap in taps {
                let elements = tap.elements
                var values = [Float](repeating: 0, count: count * elements)
                if tap.topK > 0 {
                    let k = tap.topK
                    let indices = FloatPacking.unpackIndices(bytes, at: offset, count: count * k)
                    offset += 2 * count * k
                    var stored = [Float](repeating: 0, count: count * (k + 1))
                    stored.withUnsafeMutableBufferPointer { FloatPacking.unpack(bytes, at: offset, count: count * (k + 1), precision, into: $0) }
                    offset += count * (k + 1) * precision.width
                    stored.withUnsafeBufferPointer { s in
                        values.withUnsafeMutableBufferPointer { v in
                            for n in 0..<count {
                                TopK.decode(indices: indices[(n * k)..<((n + 1) * k)],
                                            probabilities: UnsafeBufferPointer(rebasing: s[(n * (k + 1))..<(n * (k + 1) + k)]),
                                            leftover: s[n * (k + 1) + k], classes: elements,
                                            into: UnsafeMutableBufferPointer(rebasing: v[(n * elements)..<((n + 1) * elements)]))
                            }
                        }
                    }
                } else {
                    values.withUnsafeMutableBufferPointer { FloatPacking.unpack(bytes, at: offset, count: count * elements, precision, into: $0) }
                    offset += count * elements * precision.width
                }
                out[tap.name] = values
            }
        }
        return out
    }
}
