import Foundation
import KDAutodiff
import KDTensor

/// Contrastive representation distillation's NCE loss (Tian et al. 2020; RepDistiller
/// `ContrastLoss`, one per side, summed): for scores x [B, K + 1] (a `crd` connector's, positive
/// first) and the noise probability Pn = 1/N (its `noise`),
/// −(Σ_b log(x_b0 / (x_b0 + K·Pn + ε)) + Σ_b Σ_k≥1 log(K·Pn / (x_bk + K·Pn + ε))) / B, ε = 1e-7.
/// Both sides' scores are trainable (each through its own embedding head).
struct ContrastiveRepresentationLoss: LossFunction {
    public var roles: [String] { ["student", "teacher", "noise"] }
    public var trainableRoles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }
    static let eps: Float = 1e-7

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let noise = inputs["noise"]!.value.scalars[0]
        return side(inputs["student"]!, noise: noise) + side(inputs["teacher"]!, noise: noise)
    }

    /// One side: every term shares −log(x + K·Pn + ε); the positive adds log x, each negative the
    /// constant log(K·Pn).
    private func side(_ x: Variable, noise: Float) -> Variable {
        let (rows, columns) = (x.shape[0], x.shape[1])
        let mass = Float(columns - 1) * noise
        let positive = Tensor(shape: x.shape) { m in
            for i in 0..<m.count { m[i] = i % columns == 0 ? 1 : 0 }
        }
        // x at the positives, 1 (log 0) elsewhere.
        let positives = x * Variable(constant: positive) + Variable(constant: positive.map { 1 - $0 })
        let logs = positives.log().sum() - (x + (mass + Self.eps)).log().sum()
        return logs * (-1 / Float(rows)) - Float(columns - 1) * Foundation.log(mass)
    }
}

extension LossKind {
    static let contrastiveRepresentation = LossKind(
        name: "crd",
        doc:
            "contrastive representation distillation: NCE on both sides' scores of a crd connector (positive first, K negatives)",
        inputs: [
            LossInput(name: "student", required: true, doc: "the student's scores [N, K + 1] (crd.student_scores)"),
            LossInput(name: "teacher", required: true, doc: "the teacher's scores [N, K + 1] (crd.teacher_scores)"),
            LossInput(name: "noise", required: true, doc: "the noise probability 1/N [1] (crd.noise)"),
        ],
        shapes: .contrastScores
    ) { _ throws(LossOptionError) in ContrastiveRepresentationLoss() }
}
