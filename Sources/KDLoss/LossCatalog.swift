/// Every loss kind, each declared once beside its loss (`LossKind`).
public enum LossCatalog {
    /// The kinds, in the order the README's table lists them.
    public static let kinds: [LossKind] = [
        .crossEntropy, .kd, .softTarget, .mutualLearning, .distance, .overhaul, .rkdDistance, .rkdAngle, .decoupled,
        .attention, .probabilistic, .dist, .similarity, .neuronSelectivity, .correlation, .hierarchicalContext,
        .multiLevel, .flowOfSolution, .variationalInformation, .activationBoundary, .factorTransfer,
        .contrastiveRepresentation,
    ]

    /// The kinds' names, sorted.
    public static var names: [String] { kinds.map(\.name).sorted() }

    /// The kind called `name`.
    public static func kind(named name: String) -> LossKind? { kinds.first { $0.name == name } }

    /// The loss function of kind `name` with `options` (checked against its declaration).
    public static func make(_ name: String, _ options: LossOptions) throws(LossOptionError) -> any LossFunction {
        guard let kind = kind(named: name) else { throw .unknownKind(name) }
        return try kind.make(options)
    }
}
