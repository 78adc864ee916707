/// RKD's triplet angles, from the Gram matrix of the centred rows instead of the N²×D table of
/// difference vectors: (xⱼ − xᵢ)·(xₖ − xᵢ) = Gⱼₖ − Gᵢⱼ − Gᵢₖ + Gᵢᵢ, so a batch of N rows costs
/// O(N²·D + N³) instead of O(N³·D). Centring first (angles do not change under translation)
/// keeps the Gram entries, and so their cancellation error, at the size of the spread.
extension Tensor {
    /// What both directions of the triplet-angle kernels need of a [N, D] tensor's rows.
    public struct TripletGeometry: Sendable {
        /// The rows minus their mean: [N, D].
        public let centred: Tensor
        /// ρᵢⱼ = 1/‖xⱼ − xᵢ‖ for every pair: [N, N]; 0 on the diagonal and for equal rows.
        let inverseDistances: Tensor
    }

    /// Cosines of the angles ∠(xⱼ − xᵢ, xₖ − xᵢ) of a [N, D] tensor's rows, for every anchor i:
    /// [N, N, N]; 0 where xⱼ or xₖ coincides with xᵢ (the zero vector has no direction, as
    /// `l2NormalizedRows` maps it to 0). Also returns what the backward pass reuses.
    public func tripletAngleCosines() -> (cosines: Tensor, geometry: TripletGeometry) {
        precondition(rank == 2, "tripletAngleCosines needs [N, D], got \(shape)")
        let n = shape[0]
        let centred = self - mean(axes: [0], keepDims: true)
        let gram = centred.matmul(centred, transposeOther: true)
        // Equal rows have bit-equal Gram entries, so their squared distance is exactly 0.
        let inverseDistances = gram.withUnsafeBufferPointer { g in
            Tensor(shape: [n, n]) { rho in
                for i in 0..<n {
                    for j in 0..<n {
                        let squared = i == j ? 0 : g[i * n + i] + g[j * n + j] - 2 * g[i * n + j]
                        rho[i * n + j] = squared > 0 ? 1 / squared.squareRoot() : 0
                    }
                }
            }
        }
        let cosines = gram.withUnsafeBufferPointer { g in
            inverseDistances.withUnsafeBufferPointer { rho in
                Tensor(shape: [n, n, n]) { out in
                    ThreadBudget.parallelFor(n) { i in
                        Self.anchorCosines(
                            i, n: n, gram: g.baseAddress!, inverseDistances: rho.baseAddress! + i * n,
                            into: out.baseAddress! + i * n * n)
                    }
                }
            }
        }
        return (cosines, TripletGeometry(centred: centred, inverseDistances: inverseDistances))
    }

    /// Gradient of a loss with respect to the rows, given its gradient `g` [N, N, N] with
    /// respect to `tripletAngleCosines()`'s output `cosines`.
    ///
    /// With hᵢⱼₖ = gᵢⱼₖ + gᵢₖⱼ and ρᵢⱼ = 1/‖xⱼ − xᵢ‖ (0 for coinciding rows), anchor i contributes
    /// Eᵢ[j][k] = hᵢⱼₖ ρᵢⱼ ρᵢₖ − δⱼₖ ρᵢⱼ² Σₗ hᵢⱼₗ cosᵢⱼₗ, as ∂L/∂(xⱼ − xᵢ) = Σₖ Eᵢ[j][k] (xₖ − xᵢ).
    /// Collecting the terms per row gives dx = (S − W − Wᵀ + diag(W·1)) · x̄ with S = Σᵢ Eᵢ and
    /// W[i][k] = Σⱼ Eᵢ[j][k] (x̄: the centred rows; the matrix annihilates constant shifts).
    public static func tripletAngleCosinesBackward(_ g: Tensor, cosines: Tensor, geometry: TripletGeometry) -> Tensor {
        let n = geometry.inverseDistances.shape[0]
        precondition(
            g.shape == Shape([n, n, n]) && cosines.shape == g.shape,
            "tripletAngleCosinesBackward: gradient \(g.shape), cosines \(cosines.shape), \(n) rows")
        // E, anchor by anchor, into one [N, N, N] table; each anchor's slice is written by one thread.
        let anchorMatrices = g.withUnsafeBufferPointer { gb in
            cosines.withUnsafeBufferPointer { cb in
                geometry.inverseDistances.withUnsafeBufferPointer { rho in
                    Tensor(shape: [n, n, n]) { e in
                        ThreadBudget.parallelFor(n) { i in
                            Self.anchorMatrix(
                                i, n: n, g: gb.baseAddress! + i * n * n, cosines: cb.baseAddress! + i * n * n,
                                inverse: rho.baseAddress! + i * n, into: e.baseAddress! + i * n * n)
                        }
                    }
                }
            }
        }
        // M = S − W − Wᵀ + diag(W·1); S sums over anchors in index order whatever the thread count.
        let m = anchorMatrices.withUnsafeBufferPointer { e in
            Tensor(shape: [n, n]) { m in
                ThreadBudget.parallelFor(n) { j in
                    let row = m.baseAddress! + j * n
                    row.update(repeating: 0, count: n)
                    for i in 0..<n {
                        let eRow = e.baseAddress! + i * n * n + j * n
                        for k in 0..<n { row[k] += eRow[k] }
                    }
                }
                // W[i][k] = Σⱼ Eᵢ[j][k] = Σⱼ Eᵢ[k][j] (Eᵢ is symmetric): row sums of each slice.
                var w = [Float](repeating: 0, count: n * n)
                w.withUnsafeMutableBufferPointer { w in
                    ThreadBudget.parallelFor(n) { i in
                        for k in 0..<n {
                            let eRow = e.baseAddress! + i * n * n + k * n
                            var s: Float = 0
                            for j in 0..<n { s += eRow[j] }
                            w[i * n + k] = s
                        }
                    }
                }
                for i in 0..<n {
                    var rowSum: Float = 0
                    for k in 0..<n {
                        m[i * n + k] -= w[i * n + k] + w[k * n + i]
                        rowSum += w[i * n + k]
                    }
                    m[i * n + i] += rowSum
                }
            }
        }
        return m.matmul(geometry.centred)
    }

    /// cos[j][k] = (Gⱼₖ − bⱼ − bₖ)·ρⱼ·ρₖ for anchor i, with bⱼ = Gᵢⱼ − Gᵢᵢ/2 and ρ anchor i's row
    /// of inverse distances.
    private static func anchorCosines(
        _ i: Int, n: Int, gram: UnsafePointer<Float>, inverseDistances rho: UnsafePointer<Float>,
        into out: UnsafeMutablePointer<Float>
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: n) { scratch in
            let b = scratch.baseAddress!
            let half = gram[i * n + i] / 2
            for j in 0..<n { b[j] = gram[i * n + j] - half }
            for j in 0..<n {
                let row = out + j * n, gramRow = gram + j * n
                let bj = b[j], rj = rho[j]
                for k in 0..<n { row[k] = (gramRow[k] - bj - b[k]) * rj * rho[k] }
            }
        }
    }

    /// Eᵢ (see `tripletAngleCosinesBackward`) from anchor i's slices of g and cos.
    private static func anchorMatrix(
        _ i: Int, n: Int, g: UnsafePointer<Float>, cosines: UnsafePointer<Float>,
        inverse rho: UnsafePointer<Float>, into e: UnsafeMutablePointer<Float>
    ) {
        for j in 0..<n {
            var diagonal: Float = 0
            let eRow = e + j * n, gRow = g + j * n, cRow = cosines + j * n
            let rj = rho[j]
            for k in 0..<n {
                let h = gRow[k] + g[k * n + j]
                diagonal += h * cRow[k]
                eRow[k] = h * rj * rho[k]
            }
            eRow[j] -= diagonal * rj * rj
        }
    }
}
