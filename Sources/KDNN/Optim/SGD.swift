import KDTensor

/// Stochastic gradient descent with momentum, Nesterov and L2 weight decay (PyTorch's SGD).
public final class SGD: Optimizer {
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool

    public init(groups: [ParameterGroup], momentum: Float = 0, dampening: Float = 0, nesterov: Bool = false) {
        precondition(!nesterov || (momentum > 0 && dampening == 0), "Nesterov needs momentum and no dampening")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        super.init(groups: groups)
    }

    public override func update(
        _ value: Tensor, gradient: Tensor, state: inout [String: Tensor],
        learningRate lr: Float, weightDecay wd: Float
    ) -> Tensor {
        let (mu, damp, nesterov) = (momentum, dampening, self.nesterov)
        guard mu != 0 else {
            return value.zipMap(gradient) { x, g in x - lr * (g + wd * x) }
        }
        // Taking the buffer out of the dictionary leaves it uniquely referenced, so it is
        // updated in place; the new weights go to fresh storage in the same pass.
        let first = state["momentum_buffer"] == nil
        var buffer = state.removeValue(forKey: "momentum_buffer") ?? gradient
        let updated = value.withUnsafeBufferPointer { x in
            gradient.withUnsafeBufferPointer { g in
                buffer.withUnsafeMutableBufferPointer { b in
                    Tensor(shape: value.shape) { out in
                        let (xp, gp, bp, op) = (x.baseAddress!, g.baseAddress!, b.baseAddress!, out.baseAddress!)
                        ThreadBudget.parallelChunks(x.count, minChunk: 1 << 16) { range in
                            for i in range {
                                let d = gp[i] + wd * xp[i]
                                let m = first ? d : mu * bp[i] + (1 - damp) * d
                                bp[i] = m
                                op[i] = xp[i] - lr * (nesterov ? d + mu * m : m)
                            }
                        }
                    }
                }
            }
        }
        state["momentum_buffer"] = buffer
        return updated
    }
}
