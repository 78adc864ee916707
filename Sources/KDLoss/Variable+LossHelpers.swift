import KDAutodiff
import KDTensor

extension Variable {
    /// The batch's samples as rows: [N, …] → [N, D].
    func rowsFlattened() -> Variable { reshaped([shape[0], -1]) }

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
