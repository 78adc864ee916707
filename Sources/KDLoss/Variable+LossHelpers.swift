import KDAutodiff
import KDTensor

extension Variable {
    /// The batch's samples as rows: [N, …] → [N, D].
    func rowsFlattened() -> Variable { reshaped([shape[0], -1]) }

    /// Each row of [N, C] z-scored: (z − mean) / (std + 1e-7), std unbiased (logit-standardization-KD
    /// `normalize`).
    func standardizedRows() -> Variable {
        let centred = self - mean(axes: [1], keepDims: true)
        let std = (centred.squared().sum(axes: [1], keepDims: true) * (1 / Float(shape[1] - 1))).sqrt()
        return centred / (std + 1e-7)
    }

    /// Rows of [N, D] centred to mean 0.
    func centredRows() -> Variable { self - mean(axes: [1], keepDims: true) }

    /// Row-wise cosine similarity of two [N, D] variables, each norm product + `eps` (DIST_KD's).
    func rowCosine(_ other: Variable, eps: Float) -> Variable {
        let dot = (self * other).sum(axes: [1])
        let norms = squared().sum(axes: [1]).sqrt() * other.squared().sum(axes: [1]).sqrt()
        return dot / (norms + eps)
    }

    /// Elementwise smooth-L1 of `self − target` (PyTorch's F.smooth_l1_loss with `beta`):
    /// ½z²/β where |z| < β, |z| − ½β elsewhere. Built as ½·min(|z|, β)²/β + (|z| − min(|z|, β)),
    /// which has the same value and gradient and needs no select op.
    func smoothL1(_ target: Variable, beta: Float) -> Variable {
        let magnitude = (self - target).abs()
        let inner = magnitude.clamped(0, beta)
        return inner.squared() * (0.5 / beta) + (magnitude - inner)
    }
}

extension Tensor {
    /// 1 where `predicate` holds elementwise, 0 elsewhere (a constant mask).
    func indicator(_ predicate: (Float) -> Bool) -> Tensor { map { predicate($0) ? 1 : 0 } }

    /// One-hot rows [labels.count, classes].
    static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        Tensor(shape: [labels.count, classes]) { t in
            t.update(repeating: 0)
            for (i, y) in labels.enumerated() {
                precondition(y >= 0 && y < classes, "label \(y) of sample \(i) outside 0..<\(classes)")
                t[i * classes + y] = 1
            }
        }
    }
}
