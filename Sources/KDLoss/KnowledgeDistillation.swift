import KDAutodiff
import KDTensor

/// Hinton's KD loss: KL(softmax(t/T) ‖ softmax(s/T)) · T², summed over classes and averaged over
/// the batch (torch's kl_div(reduction: "batchmean")). The teacher side carries no gradient.
public func knowledgeDistillation(student: Variable, teacher: Tensor, temperature: Float) -> Variable {
    precondition(student.shape == teacher.shape, "kd: student logits \(student.shape) vs teacher \(teacher.shape)")
    let n = Float(student.shape[0])
    let teacherLog = (teacher * (1 / temperature)).logSoftmax()
    let teacherProb = teacherLog.exp()
    let studentLog = (student * (1 / temperature)).logSoftmax()
    let kl = (Variable(constant: teacherProb) * (Variable(constant: teacherLog) - studentLog)).sum()
    return kl * (temperature * temperature / n)
}
