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

    public override func update(_ value: Tensor, gradient: Tensor, state: inout [String: Tensor],
                                learningRate lr: Float, weightDecay wd: Float) -> Tensor {
        var p = value
        let previous = state["momentum_buffer"]
        var buffer = previous ?? gradient
        let (mu, damp, nesterov) = (momentum, dampening, self.nesterov)
        gradient.withUnsafeBufferPointer { g in
            buffer.withUnsafeMutableBufferPointer { b in
                p.withUnsafeMutableBufferPointer { x in
                    for i in 0..<x.count {
                        var d = g[i] + wd * x[i]
                        if mu != 0 {
                            b[i] = previous == nil ? d : mu * b[i] + (1 - damp) * d
                            d = nesterov ? d + mu * b[i] : b[i]
                        }
                        x[i] -= lr * d
                    }
                }
            }
        }
        if momentum != 0 { state["momentum_buffer"] = buffer }
        return p
    }
}
