extension Tensor {
    /// Each row of a [N, D] tensor divided by max(‖row‖₂, eps) (as torch.nn.functional.normalize).
    public func l2NormalizedRows(eps: Float = 1e-12) -> (output: Tensor, norms: [Float]) {
        precondition(rank == 2, "l2NormalizedRows needs [N, D], got \(shape)")
        let (n, d) = (shape[0], shape[1])
        var norms = [Float](repeating: 0, count: n)
        let out = withUnsafeBufferPointer { x in
            Tensor(shape: shape) { y in
                for i in 0..<n {
                    var s: Float = 0
                    for j in 0..<d { s += x[i * d + j] * x[i * d + j] }
                    let norm = s.squareRoot()
                    norms[i] = norm
                    let r = 1 / Swift.max(norm, eps)
                    for j in 0..<d { y[i * d + j] = x[i * d + j] * r }
                }
            }
        }
        return (out, norms)
    }

    /// Pairwise Euclidean distances between the rows of a [N, D] tensor: sqrt(max(‖xi − xj‖², eps)),
    /// with an exact zero diagonal (as RKD's pdist).
    public func pairwiseDistances(eps: Float = 1e-12) -> Tensor {
        precondition(rank == 2, "pairwiseDistances needs [N, D], got \(shape)")
        let n = shape[0]
        let gram = matmul(self, transposeOther: true)
        return gram.withUnsafeBufferPointer { g in
            Tensor(shape: [n, n]) { dist in
                for i in 0..<n {
                    for j in 0..<n {
                        dist[i * n + j] =
                            i == j ? 0 : Swift.max(g[i * n + i] + g[j * n + j] - 2 * g[i * n + j], eps).squareRoot()
                    }
                }
            }
        }
    }
}
