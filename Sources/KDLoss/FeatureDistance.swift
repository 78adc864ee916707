import KDAutodiff
import KDTensor

/// The distance `distance` measures between two tensors of equal shape.
public enum DistanceMode: String, Sendable, CaseIterable {
    case l1, l2
    case smoothL1 = "smooth_l1"
}

/// PaddleClas' DistillationDistanceLoss: optional activation on both inputs, then the mean over
/// every element of |x − y| (l1), (x − y)² (l2, MSE) or smooth-L1 with `beta` (PyTorch's form:
/// ½z²/β below β; PaddleClas' default delta = 1 coincides). Both inputs carry gradient when
/// recorded (UDML peers); a frozen teacher's taps are constants.
func featureDistance(
    _ x: Variable, _ y: Variable, mode: DistanceMode, activation: OutputActivation = .none,
    beta: Float = 1
) -> Variable {
    precondition(x.shape == y.shape, "distance: \(x.shape) vs \(y.shape)")
    let a = activation.apply(x), b = activation.apply(y)
    switch mode {
    case .l1: return (a - b).abs().mean()
    case .l2: return (a - b).squared().mean()
    case .smoothL1: return a.smoothL1(b, beta: beta).mean()
    }
}

/// The `distance` kind: FitNets hints (student through a connector to a teacher tap) or the
/// feature half of UDML between two peers.
struct FeatureDistanceLoss: LossFunction {
    /// l1, l2 or smooth_l1.
    public var mode: DistanceMode
    /// Applied to both inputs first.
    public var activation: OutputActivation
    /// The smooth-L1 threshold β.
    public var beta: Float

    public init(mode: DistanceMode, activation: OutputActivation, beta: Float) {
        self.mode = mode
        self.activation = activation
        self.beta = beta
    }

    public var roles: [String] { ["student", "teacher"] }
    public var trainableRoles: [String] { roles }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        featureDistance(inputs["student"]!, inputs["teacher"]!, mode: mode, activation: activation, beta: beta)
    }
}

extension LossKind {
    static let distance = LossKind(
        name: "distance", doc: "l1 / l2 / smooth-l1 between features (FitNets hints through a connector)",
        inputs: [.student, .teacher],
        options: [
            .choice("mode", "l2", DistanceMode.allCases.map(\.rawValue), "the elementwise distance, averaged"),
            .choice("activation", "none", OutputActivation.allCases.map(\.rawValue), "applied to both inputs first"),
            .number("beta", 1, .above(0), "smooth-L1 threshold"),
        ],
        shapes: .sameShape
    ) { o throws(LossOptionError) in
        FeatureDistanceLoss(
            mode: try o.choice("mode"), activation: try o.choice("activation"), beta: try o.number("beta"))
    }
}
