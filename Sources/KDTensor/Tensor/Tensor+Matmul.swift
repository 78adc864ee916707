extension Tensor {
    /// Matrix product of rank-2 tensors: op(self) · op(other), where op transposes when asked.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul of shapes \(shape) and \(other.shape)")
        let m = transposeSelf ? shape[1] : shape[0], k = transposeSelf ? shape[0] : shape[1]
        let k2 = transposeOther ? other.shape[1] : other.shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(
            k == k2,
            "matmul inner dimensions differ: \(shape)\(transposeSelf ? "ᵀ" : "") · \(other.shape)\(transposeOther ? "ᵀ" : "")"
        )
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: [m, n]) { c in
                    GEMM.sgemm(
                        transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                        a: a.baseAddress!, lda: shape[1], b: b.baseAddress!, ldb: other.shape[1],
                        c: c.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// Batched matrix product of rank-3 tensors [B, m, k] · [B, k, n] (with optional transposes).
    public func batchedMatmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(
            rank == 3 && other.rank == 3 && shape[0] == other.shape[0],
            "batchedMatmul of shapes \(shape) and \(other.shape)")
        let batch = shape[0]
        let m = transposeSelf ? shape[2] : shape[1], k = transposeSelf ? shape[1] : shape[2]
        let k2 = transposeOther ? other.shape[2] : other.shape[1]
        let n = transposeOther ? other.shape[1] : other.shape[2]
        precondition(k == k2, "batchedMatmul inner dimensions differ: \(shape) · \(other.shape)")
        let aStride = shape[1] * shape[2], bStride = other.shape[1] * other.shape[2]
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: [batch, m, n]) { c in
                    for i in 0..<batch {
                        GEMM.sgemm(
                            transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k,
                            a: a.baseAddress! + i * aStride, lda: shape[2],
                            b: b.baseAddress! + i * bStride, ldb: other.shape[2],
                            c: c.baseAddress! + i * m * n, ldc: n)
                    }
                }
            }
        }
    }

    /// The axes reordered by `permutation` (output axis i is input axis permutation[i]).
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "bad permutation \(permutation) for \(shape)")
        if permutation == Array(0..<rank) { return self }
        let srcStrides = shape.strides
        let outDims = permutation.map { shape.dims[$0] }
        let strides = permutation.map { srcStrides[$0] }
        let r = rank
        return withUnsafeBufferPointer { src in
            Tensor(shape: Shape(outDims)) { dst in
                var index = [Int](repeating: 0, count: r)
                var off = 0
                for o in 0..<dst.count {
                    dst[o] = src[off]
                    var axis = r - 1
                    while axis >= 0 {
                        index[axis] += 1
                        off += strides[axis]
                        if index[axis] < outDims[axis] { break }
                        off -= strides[axis] * outDims[axis]
                        index[axis] = 0
                        axis -= 1
                    }
                }
            }
        }
    }

    /// The transpose of a rank-2 tensor.
    public var transposed: Tensor { permuted([1, 0]) }
}
