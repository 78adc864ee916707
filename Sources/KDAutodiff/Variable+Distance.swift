import KDTensor

extension Variable {
    /// Rows of a [N, D] variable divided by max(‖row‖₂, eps).
    public func l2NormalizedRows(eps: Float = 1e-12) -> Variable {
        let x = value
        let (y, norms) = x.l2NormalizedRows(eps: eps)
        return Tape.record(y, [self]) { g, _ in
            let (n, d) = (x.shape[0], x.shape[1])
            return [
                g.withUnsafeBufferPointer { gb in
                    y.withUnsafeBufferPointer { yb in
                        Tensor(shape: x.shape) { dx in
                            for i in 0..<n {
                                let norm = norms[i]
                                if norm > eps {
                                    // d(x/‖x‖) = (g − y·(y·g)) / ‖x‖
                                    var dot: Float = 0
                                    for j in 0..<d { dot += yb[i * d + j] * gb[i * d + j] }
                                    for j in 0..<d { dx[i * d + j] = (gb[i * d + j] - yb[i * d + j] * dot) / norm }
                                } else {
                                    for j in 0..<d { dx[i * d + j] = gb[i * d + j] / eps }
                                }
                            }
                        }
                    }
                }
            ]
        }
    }

    /// Pairwise Euclidean distances between rows (zero diagonal, clamped at sqrt(eps)).
    public func pairwiseDistances(eps: Float = 1e-12) -> Variable {
        let x = value
        let dist = x.pairwiseDistances(eps: eps)
        return Tape.record(dist, [self]) { g, _ in
            let n = x.shape[0]
            // dxᵢ = Σⱼ Wᵢⱼ (xᵢ − xⱼ), Wᵢⱼ = (Gᵢⱼ + Gⱼᵢ) / dᵢⱼ where the distance was not clamped.
            let weights = g.withUnsafeBufferPointer { gb in
                dist.withUnsafeBufferPointer { db in
                    Tensor(shape: [n, n]) { w in
                        let floor = eps.squareRoot()
                        for i in 0..<n {
                            for j in 0..<n {
                                let d = db[i * n + j]
                                w[i * n + j] = i != j && d > floor ? (gb[i * n + j] + gb[j * n + i]) / d : 0
                            }
                        }
                    }
                }
            }
            let rowSums = weights.sum(axes: [1], keepDims: true)
            return [x * rowSums - weights.matmul(x)]
        }
    }
}

extension Variable {
    /// Cosines of the angles ∠(xⱼ − xᵢ, xₖ − xᵢ) between the rows of a [N, D] variable, for every
    /// triplet: [N, N, N]; 0 where xⱼ or xₖ equals xᵢ (RKD's angle-wise relation).
    public func tripletAngleCosines() -> Variable {
        let (cosines, geometry) = value.tripletAngleCosines()
        return Tape.record(cosines, [self]) { g, _ in
            [Tensor.tripletAngleCosinesBackward(g, cosines: cosines, geometry: geometry)]
        }
    }
}
