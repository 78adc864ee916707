/// Every loss kind by its pipeline-file name, built from its options (one place for the
/// planner and `kdflow loss`).
public enum LossCatalog {
    /// Option names per kind.
    public static let options: [String: [String]] = [
        "cross_entropy": ["label_smoothing"],
        "kd": ["temperature"],
        "soft_ce": ["temperature", "divergence"],
        "dml": ["activation", "eps"],
        "distance": ["mode", "activation", "beta"],
        "overhaul": ["margin"],
        "rkd_distance": ["normalization", "eps"],
        "rkd_angle": [],
        "dkd": ["alpha", "beta", "temperature"],
        "at": ["p"],
        "pkt": ["eps"],
    ]

    /// The kind names, sorted.
    public static var kinds: [String] { options.keys.sorted() }

    /// The loss function of `kind`. `overhaul`'s `margin` is a list of per-channel values, or
    /// absent for per-batch teacher statistics (the planner supplies BN-derived margins itself).
    public static func make(_ kind: String, _ o: LossOptions) throws(LossOptionError) -> any LossFunction {
        guard let known = options[kind] else { throw .unknownKind(kind) }
        if let unknown = o.values.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownOption(kind: kind, key: unknown)
        }
        switch kind {
        case "cross_entropy": return CrossEntropyLoss(labelSmoothing: try o.number("label_smoothing", default: 0))
        case "kd": return KnowledgeDistillationLoss(temperature: try o.number("temperature", default: 4))
        case "soft_ce":
            return SoftTargetLoss(temperature: try o.number("temperature", default: 1),
                                  divergence: try o.choice("divergence", default: .crossEntropy))
        case "dml":
            return MutualLearningLoss(activation: try o.choice("activation", default: .softmax),
                                      eps: try o.number("eps", default: 1e-12))
        case "distance":
            return FeatureDistanceLoss(mode: try o.choice("mode", default: .l2),
                                       activation: try o.choice("activation", default: .none),
                                       beta: try o.number("beta", default: 1))
        case "overhaul":
            return OverhaulLoss(margin: try o.numbers("margin").map { .values($0) } ?? .batchStatistics)
        case "rkd_distance":
            return RKDDistanceLoss(normalization: try o.choice("normalization", default: .positivePairs),
                                   eps: try o.number("eps", default: 1e-12))
        case "rkd_angle": return RKDAngleLoss()
        case "dkd":
            return DecoupledKDLoss(alpha: try o.number("alpha", default: 1), beta: try o.number("beta", default: 8),
                                   temperature: try o.number("temperature", default: 4))
        case "at": return AttentionTransferLoss(p: try o.number("p", default: 2))
        default: return ProbabilisticKTLoss(eps: try o.number("eps", default: 1e-7))
        }
    }
}
