import KDAutodiff
import KDTensor

/// Activation-boundary distillation (Heo et al. 2019; RepDistiller `ABLoss` on one layer): a
/// squared hinge on the student's pre-ReLU values s (through a connector) that pushes each past
/// the margin m on the side where the teacher's pre-ReLU value t has its neuron on or off:
/// Σ (s + m)²·[s > −m ∧ t ≤ 0] + (s − m)²·[s ≤ m ∧ t > 0], divided by the batch and scaled by
/// 3/1000 as the reference does (its per-layer weights 2^(i−L+1) are the terms' weights here).
struct ActivationBoundaryLoss: LossFunction {
    public var margin: Float

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let s = inputs["student"]!, t = inputs["teacher"]!.value
        let m = margin
        let belowOff = s.value.zipMap(t) { $0 > -m && $1 <= 0 ? 1 : 0 }
        let aboveOn = s.value.zipMap(t) { $0 <= m && $1 > 0 ? 1 : 0 }
        let hinge = (s + m).squared() * Variable(constant: belowOff) + (s - m).squared() * Variable(constant: aboveOn)
        return hinge.sum() * (3 / (1000 * Float(s.shape[0])))
    }
}

extension LossKind {
    static let activationBoundary = LossKind(
        name: "ab",
        doc:
            "activation boundaries: squared hinge pushing pre-ReLU student values past ±margin where the teacher's neuron is on/off",
        inputs: [.student, .teacher],
        options: [.number("margin", 1, .above(0), "the hinge margin m")],
        shapes: .sameShape
    ) { o throws(LossOptionError) in ActivationBoundaryLoss(margin: try o.number("margin")) }
}
