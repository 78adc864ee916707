import KDAutodiff
import KDTensor

/// The activation applied to raw outputs before a probability-based or distance loss.
public enum OutputActivation: String, Sendable, CaseIterable {
    case none, softmax, sigmoid

    func apply(_ x: Variable) -> Variable {
        switch self {
        case .none: x
        case .softmax: x.softmax()
        case .sigmoid: x.sigmoid()
        }
    }
}

/// PaddleClas' DMLLoss: p = act(a), q = act(b), the symmetric (KL(p‖q) + KL(q‖p)) / 2 with
/// KL(x‖y) = Σ y·log((y + ε)/(x + ε)) over the last axis, averaged over the other axes (the
/// batch). Both inputs carry gradient: each peer learns from the other.
public func mutualLearning(
    _ a: Variable, _ b: Variable, activation: OutputActivation = .softmax,
    eps: Float = 1e-12
) -> Variable {
    precondition(a.shape == b.shape, "dml: \(a.shape) vs \(b.shape)")
    let p = activation.apply(a), q = activation.apply(b)
    let logP = (p + eps).log(), logQ = (q + eps).log()
    // q·(log q − log p) + p·(log p − log q) = (q − p)·(log q − log p).
    let symmetric = (q - p) * (logQ - logP)
    let rows = Float(a.shape.count / Swift.max(a.shape[-1], 1))
    return symmetric.sum() * (0.5 / rows)
}

/// The `dml` kind (deep mutual learning): `student` and `teacher` are two trainable peers, each
/// with its own optimiser; PaddleClas names the pair Student/Teacher too.
struct MutualLearningLoss: LossFunction {
    /// Applied to both outputs first.
    public var activation: OutputActivation
    /// ε inside the logarithms.
    public var eps: Float

    public init(activation: OutputActivation, eps: Float) {
        self.activation = activation
        self.eps = eps
    }

    public var roles: [String] { ["student", "teacher"] }
    public var trainableRoles: [String] { roles }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        mutualLearning(inputs["student"]!, inputs["teacher"]!, activation: activation, eps: eps)
    }
}

extension LossKind {
    static let mutualLearning = LossKind(
        name: "dml", doc: "PaddleClas DMLLoss: (KL(p‖q) + KL(q‖p)) / 2, both peers trained",
        inputs: [.student, .teacher],
        options: [
            .choice("activation", "softmax", OutputActivation.allCases.map(\.rawValue), "applied to both inputs first"),
            .number("eps", 1e-12, .atLeast(0), "added inside the logarithms"),
        ],
        shapes: .logits
    ) { o throws(LossOptionError) in
        MutualLearningLoss(activation: try o.choice("activation"), eps: try o.number("eps"))
    }
}
