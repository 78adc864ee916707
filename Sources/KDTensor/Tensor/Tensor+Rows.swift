/// Row gathers: a partial teacher-store hit sends the missing samples through the teacher as a
/// smaller batch and puts computed and stored rows back in batch order; a store record keeps
/// its samples sorted by identity.
extension Tensor {
    /// The rows (first-dimension slices) at `indices`, in that order.
    public func rows(_ indices: [Int]) -> Tensor {
        let per = count / Swift.max(shape[0], 1)
        return Tensor(shape: Shape([indices.count] + shape.dims.dropFirst())) { out in
            withUnsafeBufferPointer { src in
                for (i, r) in indices.enumerated() {
                    for j in 0..<per { out[i * per + j] = src[r * per + j] }
                }
            }
        }
    }

    /// A tensor whose row `aRows[i]` is row i of `a` and row `bRows[i]` is row i of `b`.
    public static func interleaving(_ a: Tensor, at aRows: [Int], _ b: Tensor, at bRows: [Int]) -> Tensor {
        let per = a.count / Swift.max(a.shape[0], 1)
        return Tensor(shape: Shape([aRows.count + bRows.count] + a.shape.dims.dropFirst())) { out in
            for (source, rows) in [(a, aRows), (b, bRows)] {
                source.withUnsafeBufferPointer { src in
                    for (i, r) in rows.enumerated() {
                        for j in 0..<per { out[r * per + j] = src[i * per + j] }
                    }
                }
            }
        }
    }
}
