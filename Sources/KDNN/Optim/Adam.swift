import Foundation
import KDTensor

/// Adam (Kingma & Ba) with L2 weight decay, or AdamW's decoupled decay when `decoupled`
/// (PyTorch's Adam / AdamW).
public final class Adam: Optimizer {
    public let beta1: Float, beta2: Float, eps: Float
    /// AdamW: decay the weights directly instead of adding wd·p to the gradient.
    public let decoupled: Bool

    public init(
        groups: [ParameterGroup], beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, decoupled: Bool = false
    ) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.decoupled = decoupled
        super.init(groups: groups)
    }

    public override func update(
        _ value: Tensor, gradient: Tensor, state: inout [String: Tensor],
        learningRate lr: Float, weightDecay wd: Float
    ) -> Tensor {
        let t = (state["step"]?.scalar ?? 0) + 1
        // Moments taken out of the dictionary are uniquely referenced and updated in place.
        var m = state.removeValue(forKey: "exp_avg") ?? Tensor.zeros(value.shape)
        var v = state.removeValue(forKey: "exp_avg_sq") ?? Tensor.zeros(value.shape)
        let (b1, b2, eps, decoupled) = (beta1, beta2, self.eps, self.decoupled)
        let c1 = 1 - Foundation.pow(b1, t), c2 = 1 - Foundation.pow(b2, t)
        let stepSize = lr / c1, c2Root = c2.squareRoot()
        let updated = value.withUnsafeBufferPointer { x in
            gradient.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { mb in
                    v.withUnsafeMutableBufferPointer { vb in
                        Tensor(shape: value.shape) { out in
                            let (xp, gp, mp, vp, op) = (
                                x.baseAddress!, g.baseAddress!, mb.baseAddress!, vb.baseAddress!, out.baseAddress!
                            )
                            ThreadBudget.parallelChunks(x.count, minChunk: 1 << 16) { range in
                                for i in range {
                                    var p = xp[i], d = gp[i]
                                    if decoupled { p *= 1 - lr * wd } else { d += wd * p }
                                    mp[i] = b1 * mp[i] + (1 - b1) * d
                                    vp[i] = b2 * vp[i] + (1 - b2) * d * d
                                    op[i] = p - stepSize * mp[i] / (vp[i].squareRoot() / c2Root + eps)
                                }
                            }
                        }
                    }
                }
            }
        }
        state["exp_avg"] = m
        state["exp_avg_sq"] = v
        state["step"] = Tensor(scalar: t)
        return updated
    }
}
