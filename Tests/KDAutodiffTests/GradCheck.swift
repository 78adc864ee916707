import KDGradCheck
import KDTensor

/// Random values kept at least `gap` away from zero (for ops with a kink at 0).
func awayFromZero(_ dims: [Int], seed: UInt64, gap: Float = 0.2) -> Tensor {
    randomTensor(dims, seed: seed).map { $0 >= 0 ? $0 + gap : $0 - gap }
}

/// Distinct values, pairwise at least 0.05 apart, in a seeded order (for max and max-pool).
func distinctValues(_ dims: [Int], seed: UInt64) -> Tensor {
    let n = Shape(dims).count
    let r = CounterRandom(seed: seed)
    var values = (0..<n).map { Float($0) * 0.05 - Float(n) * 0.025 }
    for i in stride(from: n - 1, to: 0, by: -1) { values.swapAt(i, r.integer(UInt64(i), below: i + 1)) }
    return Tensor(shape: Shape(dims), scalars: values)
}
