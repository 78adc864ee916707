import KDTensor

/// Hands out one random stream per parameter, in construction order, so a model built from the
/// same seed always gets the same weights.
public final class ParameterInitializer {
    private let root: CounterRandom
    private var next: UInt64 = 0

    /// Streams derived from `seed`.
    public init(seed: UInt64) { root = CounterRandom(seed: seed, stream: 0x6B64_666C_6F77) }

    /// The next parameter's stream.
    public func stream() -> CounterRandom {
        next += 1
        return root.substream(next)
    }

    /// PyTorch's default for Linear and Conv weights and biases: kaiming_uniform(a=√5), i.e.
    /// U(−1/√fan_in, 1/√fan_in).
    func pytorchDefault(_ shape: Shape, fanIn: Int) -> Tensor {
        let bound = 1 / Float(fanIn).squareRoot()
        return stream().uniformTensor(shape, low: -bound, high: bound)
    }
}
