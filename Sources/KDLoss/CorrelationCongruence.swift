import KDAutodiff
import KDTensor

/// Correlation congruence as RepDistiller implements it (`CC.py` `Correlation`): with
/// δ = |f_s − f_t| on [N, D] embeddings, the mean over i of Σ_d δ[i]·δ[i+1] (neighbouring samples
/// of the batch). The teacher carries no gradient.
func correlationCongruence(student: Variable, teacher: Tensor) -> Variable {
    let n = student.shape[0]
    let delta = (student - Variable(constant: teacher)).abs()
    // Rows 0..<n−1 and 1..<n of δ, as products with constant selection matrices.
    func rows(from offset: Int) -> Variable {
        let select = Tensor(shape: [n - 1, n]) { m in
            m.update(repeating: 0)
            for i in 0..<(n - 1) { m[i * n + i + offset] = 1 }
        }
        return Variable(constant: select).matmul(delta)
    }
    return (rows(from: 0) * rows(from: 1)).sum(axes: [1]).mean()
}

extension LossKind {
    static let correlation = LossKind(
        name: "cc", doc: "correlation congruence (RepDistiller's CC): mean Σ_d |Δ|ᵢ·|Δ|ᵢ₊₁ over neighbouring samples",
        inputs: [.student, .teacher], shapes: .sameShape
    ) { _ throws(LossOptionError) in
        TeacherPairLoss { KDLoss.correlationCongruence(student: $0, teacher: $1) }
    }
}
