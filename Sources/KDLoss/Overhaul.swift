import KDAutodiff
import KDTensor

/// Heo et al. 2019 (clovaai/overhaul-distillation `distillation_loss`): the teacher target is
/// max(t, m) with the per-channel margin m; the partial L2 (s − target)² is summed where
/// s > target or target > 0 and divided by the batch size. The teacher carries no gradient.
/// `margin` has one value per channel (axis 1).
public func overhaulDistillation(student: Variable, teacher: Tensor, margin: [Float]) -> Variable {
    precondition(student.shape == teacher.shape, "overhaul: student \(student.shape) vs teacher \(teacher.shape)")
    precondition(teacher.rank >= 2 && margin.count == teacher.shape[1],
                 "overhaul: \(margin.count) margins for \(teacher.shape[1]) channels")
    var marginShape = [Int](repeating: 1, count: teacher.rank)
    marginShape[1] = margin.count
    let target = teacher.maximum(Tensor(shape: Shape(marginShape), scalars: margin))
    let active = student.value.zipMap(target) { s, t in s > t || t > 0 ? 1 : 0 }
    let squared = (student - Variable(constant: target)).squared() * Variable(constant: active)
    return squared.sum() * (1 / Float(student.shape[0]))
}

/// The `overhaul` kind on pre-ReLU taps (student through a connector).
public struct OverhaulLoss: LossFunction {
    /// Where the per-channel margin comes from.
    public var margin: OverhaulMargin

    public init(margin: OverhaulMargin = .batchStatistics) { self.margin = margin }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let teacher = inputs["teacher"]!.value
        return overhaulDistillation(student: inputs["student"]!, teacher: teacher, margin: margin.values(for: teacher))
    }
}
