import Foundation
import KDTensor

/// Adam (Kingma & Ba) with L2 weight decay, or AdamW's decoupled decay when `decoupled`
/// (PyTorch's Adam / AdamW).
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, eps: Float
    /// AdamW: decay the weights directly instead of adding wd·p to the gradient.
    public let decoupled: Bool

    public init(groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, decoupled: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.decoupled = decoupled
        super.init(groups: groups)
    }

    public override func update(_ value: Tensor, gradient: Tensor, state: inout [String: Tensor],
                                learningRate lr: Float, weightDecay wd: Float) -> Tensor {
        var p = value
        var m = state["exp_avg"] ?? Tensor.zeros(value.shape)
        var v = state["exp_avg_sq"] ?? Tensor.zeros(value.shape)
        let t = (state["step"]?.scalar ?? 0) + 1
        let (b1, b2, eps, decoupled) = (beta1, beta2, self.eps, self.decoupled)
        let c1 = 1 - Foundation.pow(b1, t), c2 = 1 - Foundation.pow(b2, t)
        let stepSize = lr / c1, c2Root = c2.squareRoot()
        gradient.withUnsafeBufferPointer { g in
            m.withUnsafeMutableBufferPointer { mb in
                v.withUnsafeMutableBufferPointer { vb in
                    p.withUnsafeMutableBufferPointer { x in
                        for i in 0..<x.count {
                            var d = g[i]
                            if decoupled { x[i] *= 1 - lr * wd } else { d += wd * x[i] }
                            mb[i] = b1 * mb[i] + (1 - b1) * d
                            vb[i] = b2 * vb[i] + (1 - b2) * d * d
                            x[i] -= stepSize * mb[i] / (vb[i].squareRoot() / c2Root + eps)
                        }
                    }
                }
            }
        }
        state["exp_avg"] = m
        state["exp_avg_sq"] = v
        state["step"] = Tensor(scalar: t)
        return p
    }
}
