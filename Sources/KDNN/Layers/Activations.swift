import KDAutodiff
import KDTensor

/// max(x, 0).
final class ReLU: Module {
    public override init() {}
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { x.relu() }
}

/// x for x > 0, slope·x otherwise.
final class LeakyReLU: Module {
    /// Negative slope (PyTorch default 0.01).
    public let slope: Float
    public init(slope: Float = 0.01) { self.slope = slope }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { x.leakyRelu(slope: slope) }
}

/// [N, …] → [N, rest].
final class Flatten: Module {
    public override init() {}
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { x.flattened() }
}

/// Zeroes each element with probability p in training and scales the rest by 1/(1−p).
final class Dropout: Module {
    /// Drop probability.
    public let p: Float
    public init(_ p: Float) {
        precondition(p >= 0 && p < 1, "dropout probability \(p) outside [0, 1)")
        self.p = p
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        guard ctx.training, p > 0 else { return x }
        let random = ctx.nextDropoutStream()
        let keep = 1 / (1 - p), drop = p
        let mask = Tensor(shape: x.shape) { m in
            for i in 0..<m.count { m[i] = random.uniform(UInt64(i)) < drop ? 0 : keep }
        }
        return x * Variable(constant: mask)
    }
}
