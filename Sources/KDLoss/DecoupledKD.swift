import Foundation
import KDAutodiff
import KDTensor

/// Zhao et al. 2022 (mdistiller `dkd_loss`): α·TCKD + β·NCKD, each a KL · T² averaged over the
/// batch. TCKD compares the binary (target, non-target) probabilities of softmax(·/T); NCKD
/// compares the distributions over the non-target classes (the target logit pushed down by
/// 1000 before the softmax, as the reference does). The teacher carries no gradient.
func decoupledKnowledgeDistillation(
    student: Variable, teacher: Tensor, labels: [Int],
    alpha: Float, beta: Float, temperature: Float
) -> Variable {
    precondition(
        student.shape == teacher.shape && student.shape.rank == 2 && student.shape[0] == labels.count,
        "dkd: student \(student.shape), teacher \(teacher.shape), \(labels.count) labels")
    let (n, c) = (student.shape[0], student.shape[1])
    let target = Tensor.oneHot(labels, classes: c)
    let nonTarget = target.map { 1 - $0 }
    let scale = 1 / temperature

    let studentProb = (student * scale).softmax()
    let teacherProb = (teacher * scale).softmax()
    let studentTarget = (studentProb * Variable(constant: target)).sum(axes: [1], keepDims: true)
    let studentOther = (studentProb * Variable(constant: nonTarget)).sum(axes: [1], keepDims: true)
    let teacherTarget = (teacherProb * target).sum(axes: [1], keepDims: true)
    let teacherOther = (teacherProb * nonTarget).sum(axes: [1], keepDims: true)
    // Σ b·log b of the teacher is a constant; 0·log 0 = 0 as torch's kl_div.
    let teacherEntropyTerm = (teacherTarget.scalars + teacherOther.scalars)
        .reduce(Float(0)) { $0 + ($1 > 0 ? $1 * Foundation.log($1) : 0) }
    let crossTerm =
        (Variable(constant: teacherTarget) * studentTarget.log()
        + Variable(constant: teacherOther) * studentOther.log()).sum()
    let tckd = -crossTerm + teacherEntropyTerm

    let suppressTarget = target * -1000
    let teacherLogOther = (teacher * scale + suppressTarget).logSoftmax()
    let studentLogOther = (student * scale + Variable(constant: suppressTarget)).logSoftmax()
    let nckd = (Variable(constant: teacherLogOther.exp()) * (Variable(constant: teacherLogOther) - studentLogOther))
        .sum()

    return (tckd * alpha + nckd * beta) * (temperature * temperature / Float(n))
}

/// The `dkd` kind; its warm-up is the term's `warmup_epochs` weight ramp (mdistiller: 20 epochs).
struct DecoupledKDLoss: LossFunction {
    /// Weight of the target-class term.
    public var alpha: Float
    /// Weight of the non-target-class term.
    public var beta: Float
    /// Softening temperature T.
    public var temperature: Float
    /// Z-score each row of both logits first (logit standardisation).
    public var standardize: Bool

    public init(alpha: Float, beta: Float, temperature: Float, standardize: Bool) {
        self.alpha = alpha
        self.beta = beta
        self.temperature = temperature
        self.standardize = standardize
    }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { true }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let (s, t) = (inputs["student"]!, inputs["teacher"]!)
        return decoupledKnowledgeDistillation(
            student: standardize ? s.standardizedRows() : s,
            teacher: standardize ? t.standardizedRows().value : t.value, labels: labels!,
            alpha: alpha, beta: beta, temperature: temperature)
    }
}

extension LossKind {
    static let decoupled = LossKind(
        name: "dkd", doc: "Zhao et al.: α·TCKD + β·NCKD; warm up with warmup_epochs",
        inputs: [.student, .teacher, .target],
        options: [
            .number("alpha", 1, .atLeast(0), "target-class (TCKD) weight"),
            .number("beta", 8, .atLeast(0), "non-target-class (NCKD) weight"), .temperature(4), .standardize,
        ],
        shapes: .logits
    ) { o throws(LossOptionError) in
        DecoupledKDLoss(
            alpha: try o.number("alpha"), beta: try o.number("beta"), temperature: try o.number("temperature"),
            standardize: try o.flag("standardize"))
    }
}
