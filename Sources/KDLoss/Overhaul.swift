import KDAutodiff
import KDTensor

/// Heo et al. 2019 (clovaai/overhaul-distillation `distillation_loss`): the teacher target is
/// max(t, m) with the per-channel margin m; the partial L2 (s − target)² is summed where
/// s > target or target > 0 and divided by the batch size. The teacher carries no gradient.
/// `margin` has one value per channel (axis 1).
func overhaulDistillation(student: Variable, teacher: Tensor, margin: [Float]) -> Variable {
    precondition(student.shape == teacher.shape, "overhaul: student \(student.shape) vs teacher \(teacher.shape)")
    precondition(
        teacher.rank >= 2 && margin.count == teacher.shape[1],
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

    public init(margin: OverhaulMargin) { self.margin = margin }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let teacher = inputs["teacher"]!.value
        return overhaulDistillation(student: inputs["student"]!, teacher: teacher, margin: margin.values(for: teacher))
    }
}

extension LossKind {
    static let overhaul = LossKind(
        name: "overhaul", doc: "Heo et al.: teacher target max(t, m), partial L2, ÷ batch",
        inputs: [.student, .teacher],
        options: [
            .choice(
                "margin", "batch", ["batch", "bn", "values"],
                "batch: μ/σ of the teacher tap per batch; bn: the teacher BN's β/|γ| (pipelines); values: margin_values"
            ),
            LossOption(
                name: "margin_values", kind: .numbers, defaultValue: nil, doc: "one margin per channel (margin: values)"
            ),
            LossOption(
                name: "bn", kind: .text, defaultValue: nil,
                doc: "the teacher BN's parameter prefix (margin: bn; default: derived from the tap for resnets)"),
        ],
        shapes: .sameShape
    ) { o throws(LossOptionError) in
        switch try o.choice("margin") as OverhaulMargin.Source {
        case .batch: return OverhaulLoss(margin: .batchStatistics)
        case .values:
            guard let values = o.numbers("margin_values") else {
                throw .missing(
                    kind: "overhaul", key: "margin_values", reason: "margin: values takes one margin per channel")
            }
            return OverhaulLoss(margin: .values(values))
        case .bn:
            throw .missing(
                kind: "overhaul", key: "bn",
                reason: "margin: bn reads the teacher's batch-norm, which only a pipeline has")
        }
    }
}
