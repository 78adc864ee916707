import KDAutodiff
import KDTensor

/// Hinton's KD loss: KL(softmax(t/T) ‖ softmax(s/T)) · T², summed over classes and averaged over
/// the batch (torch's kl_div(reduction: "batchmean")). The teacher side carries no gradient.
func knowledgeDistillation(student: Variable, teacher: Tensor, temperature: Float) -> Variable {
    precondition(student.shape == teacher.shape, "kd: student logits \(student.shape) vs teacher \(teacher.shape)")
    let n = Float(student.shape[0])
    let teacherLog = (teacher * (1 / temperature)).logSoftmax()
    let teacherProb = teacherLog.exp()
    let studentLog = (student * (1 / temperature)).logSoftmax()
    let kl = (Variable(constant: teacherProb) * (Variable(constant: teacherLog) - studentLog)).sum()
    return kl * (temperature * temperature / n)
}

/// The `kd` kind: `student` logits learn the `teacher` logits' softened distribution.
public struct KnowledgeDistillationLoss: LossFunction {
    /// Softening temperature T.
    public var temperature: Float
    /// Z-score each row of both logits first (logit standardisation).
    public var standardize: Bool
    public init(temperature: Float, standardize: Bool) {
        self.temperature = temperature
        self.standardize = standardize
    }
    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }
    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let (s, t) = (inputs["student"]!, inputs["teacher"]!)
        return knowledgeDistillation(
            student: standardize ? s.standardizedRows() : s,
            teacher: standardize ? t.standardizedRows().value : t.value, temperature: temperature)
    }
}

extension LossKind {
    static let kd = LossKind(
        name: "kd", doc: "Hinton: KL(softmax(t/T) ‖ softmax(s/T)) · T², batch mean",
        inputs: [.student, .teacher], options: [.temperature(4), .standardize],
        shapes: .logits
    ) { o throws(LossOptionError) in
        KnowledgeDistillationLoss(temperature: try o.number("temperature"), standardize: try o.flag("standardize"))
    }
}
