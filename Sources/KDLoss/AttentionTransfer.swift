import KDAutodiff
import KDTensor

/// The spatial attention map of NCHW features: mean over channels of f^p, flattened per sample
/// and L2-normalised (F.normalize, ε = 1e-12).
func attentionMap(_ features: Variable, p: Float) -> Variable {
    let powered = p == 2 ? features.squared() : features.pow(p)
    return powered.mean(axes: [1]).rowsFlattened().l2NormalizedRows()
}

/// Zagoruyko & Komodakis 2017 (RepDistiller / mdistiller AT): the mean squared difference of the
/// student's and teacher's attention maps. Channel counts may differ; spatial sizes must agree.
/// The reference recipes weight it by β = 1000. The teacher carries no gradient.
func attentionTransfer(student: Variable, teacher: Tensor, p: Float = 2) -> Variable {
    precondition(
        student.shape.rank == 4 && teacher.rank == 4 && student.shape[0] == teacher.shape[0]
            && student.shape[2] == teacher.shape[2] && student.shape[3] == teacher.shape[3],
        "at: student \(student.shape) vs teacher \(teacher.shape) need NCHW of equal N, H, W")
    return (attentionMap(student, p: p) - attentionMap(Variable(constant: teacher), p: p)).squared().mean()
}

/// The `at` kind.
struct AttentionTransferLoss: LossFunction {
    /// The exponent p of the attention map (2 in the paper).
    public var p: Float

    public init(p: Float) { self.p = p }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        attentionTransfer(student: inputs["student"]!, teacher: inputs["teacher"]!.value, p: p)
    }
}

extension LossKind {
    static let attention = LossKind(
        name: "at", doc: "attention transfer: mean squared difference of normalised Σ_c f^p maps (NCHW, equal H×W)",
        inputs: [.student, .teacher], options: [.number("p", 2, .above(0), "the power of each activation")],
        shapes: .spatialMaps
    ) { o throws(LossOptionError) in AttentionTransferLoss(p: try o.number("p")) }
}
