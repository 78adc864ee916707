import KDAutodiff
import KDTensor

/// ReviewKD's hierarchical context loss on one map pair (mdistiller `ReviewKD.py` `hcl_loss`): the
/// MSE of the [N, C, H, W] maps, plus the MSE of their adaptive average pools to 4×4, 2×2 and 1×1
/// (each level smaller than H), weighted ½, ¼, ⅛, all ÷ the weights' sum. [N, C] features are 1×1
/// maps (mdistiller's top level, the pooled features): the MSE alone. The teacher carries no gradient.
public func hierarchicalContext(student: Variable, teacher: Tensor) -> Variable {
    let t = Variable(constant: teacher)
    var total = (student - t).squared().mean()
    var weight: Float = 1, weights: Float = 1
    let height = student.shape.rank == 4 ? student.shape[2] : 1
    for level in [4, 2, 1] where level < height {
        weight /= 2
        total =
            total + (student.adaptiveAvgPooled(to: level) - t.adaptiveAvgPooled(to: level)).squared().mean() * weight
        weights += weight
    }
    return total * (1 / weights)
}

extension LossKind {
    static let hierarchicalContext = LossKind(
        name: "hcl", doc: "ReviewKD's hierarchical context loss: MSE of the maps and of their 4/2/1 pooled pyramid",
        inputs: [.student, .teacher], shapes: .sameMaps
    ) { _ throws(LossOptionError) in
        TeacherPairLoss { KDLoss.hierarchicalContext(student: $0, teacher: $1) }
    }
}
