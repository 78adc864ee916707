import KDAutodiff
import KDTensor

/// Row-normalised cosine-similarity distribution of PKT: rows scaled to unit norm (x/(‖x‖ + ε)),
/// similarities mapped to [0, 1] by (cos + 1)/2, then each row divided by its sum.
func similarityDistribution(_ x: Variable, eps: Float) -> Variable {
    let rows = x.rowsFlattened()
    let unit = rows / (rows.squared().sum(axes: [1], keepDims: true).sqrt() + eps)
    let similarity = (unit.matmul(unit, transposeOther: true) + 1) * 0.5
    return similarity / similarity.sum(axes: [1], keepDims: true)
}

/// Passalis & Tefas 2018 (RepDistiller PKT `cosine_similarity_loss`): the mean over all N²
/// entries of t·log((t + ε)/(s + ε)) between the teacher's and student's similarity
/// distributions, ε = 1e-7. The teacher carries no gradient.
func probabilisticKnowledgeTransfer(student: Variable, teacher: Tensor, eps: Float = 1e-7) -> Variable {
    precondition(student.shape[0] == teacher.shape[0], "pkt: batch \(student.shape) vs \(teacher.shape)")
    let s = similarityDistribution(student, eps: eps)
    let t = similarityDistribution(Variable(constant: teacher), eps: eps)
    return (t * ((t + eps).log() - (s + eps).log())).mean()
}

/// The `pkt` kind (features of any shape, flattened per sample; dimensions may differ).
struct ProbabilisticKTLoss: LossFunction {
    /// ε of the normalisation and the logarithm.
    public var eps: Float

    public init(eps: Float) { self.eps = eps }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        probabilisticKnowledgeTransfer(student: inputs["student"]!, teacher: inputs["teacher"]!.value, eps: eps)
    }
}

extension LossKind {
    static let probabilistic = LossKind(
        name: "pkt", doc: "probabilistic knowledge transfer: KL between cosine-similarity distributions",
        inputs: [.student, .teacher], options: [.number("eps", 1e-7, .above(0), "added to norms and probabilities")],
        shapes: .sameRows
    ) { o throws(LossOptionError) in ProbabilisticKTLoss(eps: try o.number("eps")) }
}
