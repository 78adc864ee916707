import KDAutodiff
import KDTensor

/// DIST (Huang et al., NeurIPS 2022; hunto/DIST_KD `DIST`): with y = softmax(z/τ), one minus the
/// mean Pearson correlation of the student's and teacher's rows (inter-class relation, weight β)
/// and of their columns (intra-class relation, weight γ), each · τ². Correlations are cosines of
/// centred vectors, the norm product + 1e-8. The teacher carries no gradient.
func distributionRelations(student: Variable, teacher: Tensor, beta: Float, gamma: Float, temperature: Float)
    -> Variable
{
    let ys = (student * (1 / temperature)).softmax()
    let yt = Variable(constant: (teacher * (1 / temperature)).softmax())
    func relation(_ a: Variable, _ b: Variable) -> Variable {
        (a.centredRows().rowCosine(b.centredRows(), eps: 1e-8).mean() * -1) + 1
    }
    let inter = relation(ys, yt)
    let intra = relation(ys.permuted([1, 0]), yt.permuted([1, 0]))
    return (inter * beta + intra * gamma) * (temperature * temperature)
}

/// The `dist` kind: logits [N, classes].
struct DistributionRelationLoss: LossFunction {
    public var beta: Float, gamma: Float, temperature: Float
    public init(beta: Float, gamma: Float, temperature: Float) {
        self.beta = beta
        self.gamma = gamma
        self.temperature = temperature
    }
    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }
    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        distributionRelations(
            student: inputs["student"]!, teacher: inputs["teacher"]!.value,
            beta: beta, gamma: gamma, temperature: temperature)
    }
}

extension LossKind {
    static let dist = LossKind(
        name: "dist",
        doc: "DIST: 1 − Pearson correlation of softmax(z/τ) rows (inter-class) and columns (intra-class), · τ²",
        inputs: [.student, .teacher],
        options: [
            .number("beta", 1, .atLeast(0), "inter-class (per row) weight"),
            .number("gamma", 1, .atLeast(0), "intra-class (per column) weight"), .temperature(1),
        ],
        shapes: .logits
    ) { o throws(LossOptionError) in
        DistributionRelationLoss(
            beta: try o.number("beta"), gamma: try o.number("gamma"), temperature: try o.number("temperature"))
    }
}
