/// Products with rows picked from a large table (CRD's memory bank: every sample's K + 1 rows of
/// an N×D bank against its embedding), computed in place rather than gathering the rows first,
/// which would copy B·(K + 1)·D floats per step. Rows of the batch run in parallel, each alone.
extension Tensor {
    /// out[b, j] = self[rows[b·J + j]] · vectors[b], for a table [M, D], `vectors` [B, D] and
    /// B·J row indices; the result is [B, J].
    public func gatheredRowDots(_ rows: [Int], _ vectors: Tensor) -> Tensor {
        precondition(
            rank == 2 && vectors.rank == 2 && vectors.shape[1] == shape[1],
            "gatheredRowDots: \(shape), \(vectors.shape)")
        let (b, d) = (vectors.shape[0], shape[1])
        precondition(rows.count % Swift.max(b, 1) == 0, "gatheredRowDots: \(rows.count) rows for \(b) vectors")
        let j = rows.count / Swift.max(b, 1)
        return withUnsafeBufferPointer { table in
            vectors.withUnsafeBufferPointer { v in
                Tensor(shape: [b, j]) { out in
                    ThreadBudget.parallelFor(b) { n in
                        for k in 0..<j {
                            out[n * j + k] = Self.dot(
                                table.baseAddress! + rows[n * j + k] * d, v.baseAddress! + n * d, d)
                        }
                    }
                }
            }
        }
    }

    /// The vectors' gradient of `gatheredRowDots`: out[b] = Σ_j weights[b, j] · self[rows[b·J + j]],
    /// [B, D] for `weights` [B, J].
    public func gatheredRowSums(_ rows: [Int], weights: Tensor) -> Tensor {
        let (b, j, d) = (weights.shape[0], weights.shape[1], shape[1])
        precondition(
            rank == 2 && rows.count == b * j, "gatheredRowSums: \(shape), \(weights.shape), \(rows.count) rows")
        return withUnsafeBufferPointer { table in
            weights.withUnsafeBufferPointer { w in
                Tensor(shape: [b, d]) { out in
                    out.initialize(repeating: 0)
                    ThreadBudget.parallelFor(b) { n in
                        let o = out.baseAddress! + n * d
                        for k in 0..<j {
                            let (row, weight) = (table.baseAddress! + rows[n * j + k] * d, w[n * j + k])
                            for i in 0..<d { o[i] += weight * row[i] }
                        }
                    }
                }
            }
        }
    }

    /// x · y over `count` floats, eight lanes at a time.
    private static func dot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var i = 0
        while i + 8 <= count {
            lanes +=
                UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
                * UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            sum += x[i] * y[i]
            i += 1
        }
        return sum
    }
}
