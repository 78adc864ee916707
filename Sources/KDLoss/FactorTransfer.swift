import KDAutodiff
import KDTensor

/// Factor transfer (Kim et al. 2018; RepDistiller `FactorTransfer`): the mean absolute difference
/// of the student's and teacher's factors (translator and paraphraser outputs) after each is
/// reduced to a normalised Σ_c f^p map, the attention map AT uses. The teacher carries no gradient.
struct FactorTransferLoss: LossFunction {
    /// The exponent of each activation (RepDistiller's p1 = 2).
    public var p: Float

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let teacher = Variable(constant: inputs["teacher"]!.value)
        return (attentionMap(inputs["student"]!, p: p) - attentionMap(teacher, p: p)).abs().mean()
    }
}

extension LossKind {
    static let factorTransfer = LossKind(
        name: "ft",
        doc:
            "factor transfer: mean |Δ| of the normalised Σ_c f^p maps of translator (student) and paraphraser (teacher) factors",
        inputs: [.student, .teacher], options: [.number("p", 2, .above(0), "the power of each activation")],
        shapes: .spatialMaps
    ) { o throws(LossOptionError) in FactorTransferLoss(p: try o.number("p")) }
}
