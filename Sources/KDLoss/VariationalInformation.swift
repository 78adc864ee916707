import KDAutodiff
import KDTensor

/// Variational information distillation (Ahn et al. 2019; RepDistiller `VIDLoss`): the Gaussian
/// negative log-likelihood of the teacher's features t under the student's prediction, mean
/// μ(s) (the `vid` connector's `out`) and per-channel variance σ² (its `variance`), averaged over
/// every element: mean(½·((μ − t)²/σ² + log σ²)). The teacher carries no gradient.
struct VariationalInformationLoss: LossFunction {
    public var roles: [String] { ["student", "teacher", "variance"] }
    public var trainableRoles: [String] { ["student", "variance"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        let mean = inputs["student"]!, teacher = Variable(constant: inputs["teacher"]!.value)
        let channels = mean.shape[1]
        let variance = inputs["variance"]!.reshaped(mean.shape.rank == 4 ? [1, channels, 1, 1] : [1, channels])
        return ((mean - teacher).squared() / variance + variance.log()).mean() * 0.5
    }
}

extension LossKind {
    static let variationalInformation = LossKind(
        name: "vid",
        doc:
            "variational information distillation: Gaussian NLL of the teacher's features under the vid connector's mean and variance",
        inputs: [
            LossInput(name: "student", required: true, doc: "the predicted mean (a vid connector's out)"),
            .teacher,
            LossInput(name: "variance", required: true, doc: "the per-channel variance (the vid connector's variance)"),
        ],
        shapes: .predictedVariance
    ) { _ throws(LossOptionError) in VariationalInformationLoss() }
}
