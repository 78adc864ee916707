import KDAutodiff
import KDTensor

/// Soft-target cross-entropy (SSLD without labels): −Σ softmax(t/T)·log softmax(s/T) · T²,
/// summed over classes and averaged over the batch. The teacher carries no gradient.
func softTargetCrossEntropy(student: Variable, teacher: Tensor, temperature: Float) -> Variable {
    precondition(student.shape == teacher.shape, "soft_ce: student \(student.shape) vs teacher \(teacher.shape)")
    let target = Variable(constant: (teacher * (1 / temperature)).softmax())
    let n = Float(student.shape[0])
    return -(target * (student * (1 / temperature)).logSoftmax()).sum() * (temperature * temperature / n)
}

/// The `soft_ce` kind: the student learns the teacher's soft targets; needs no labels, so it runs
/// on unlabeled shards.
struct SoftTargetLoss: LossFunction {
    /// The divergence between the two distributions.
    public enum Divergence: String, Sendable, CaseIterable {
        /// Cross-entropy against softmax(t/T) (the SSLD paper's soft-label loss).
        case crossEntropy = "cross_entropy"
        /// PaddleClas' SSLD recipe (DistillationDMLLoss between Student and a frozen Teacher):
        /// the symmetric (KL(p‖q) + KL(q‖p)) / 2 of `dml`, with the teacher side held constant.
        case dml
    }

    /// Softening temperature T (both divergences are scaled by T²).
    public var temperature: Float
    /// Which divergence to minimise.
    public var divergence: Divergence

    public init(temperature: Float, divergence: Divergence) {
        self.temperature = temperature
        self.divergence = divergence
    }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let student = inputs["student"]!, teacher = inputs["teacher"]!.value
        switch divergence {
        case .crossEntropy:
            return softTargetCrossEntropy(student: student, teacher: teacher, temperature: temperature)
        case .dml:
            let scale = 1 / temperature
            return mutualLearning(student * scale, Variable(constant: teacher * scale))
                * (temperature * temperature)
        }
    }
}

extension LossKind {
    static let softTarget = LossKind(
        name: "soft_ce", doc: "SSLD: the teacher's soft targets, no labels (works on unlabeled shards)",
        inputs: [.student, .teacher],
        options: [
            .temperature(1),
            .choice(
                "divergence", "cross_entropy", SoftTargetLoss.Divergence.allCases.map(\.rawValue),
                "cross_entropy: −Σ softmax(t/T)·log softmax(s/T); dml: PaddleClas' symmetric recipe"),
        ],
        shapes: .logits
    ) { o throws(LossOptionError) in
        SoftTargetLoss(temperature: try o.number("temperature"), divergence: try o.choice("divergence"))
    }
}
