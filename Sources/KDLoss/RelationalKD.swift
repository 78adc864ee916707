import KDAutodiff
import KDTensor

/// How RKD's distance-wise loss normalises pairwise distances.
public enum RKDDistanceNormalization: String, Sendable, CaseIterable {
    /// Park et al. / RepDistiller: divide by the mean over the distinct (positive) pairs.
    case positivePairs = "positive_pairs"
    /// PaddleClas RkdDistance: divide by (mean over all N² entries + ε).
    case allPairs = "all_pairs"
}

/// Pairwise distances of the samples' flattened features, divided by their mean.
func normalizedDistances(_ x: Variable, normalization: RKDDistanceNormalization, eps: Float) -> Variable {
    let d = x.rowsFlattened().pairwiseDistances()
    switch normalization {
    case .positivePairs:
        // The diagonal is exactly 0, so d > 0 selects the off-diagonal pairs.
        let positive = d.value.indicator { $0 > 0 }
        let mean = (d * Variable(constant: positive)).sum() * (1 / Swift.max(positive.sum().scalar, 1))
        return d / mean
    case .allPairs:
        return d / (d.mean() + eps)
    }
}

/// Park et al. 2019, distance-wise RKD: smooth-L1 (β = 1) between the normalised pairwise
/// distances of student and teacher, averaged over the N² pairs. The teacher carries no gradient.
public func rkdDistance(
    student: Variable, teacher: Tensor, normalization: RKDDistanceNormalization = .positivePairs,
    eps: Float = 1e-12
) -> Variable {
    precondition(student.shape[0] == teacher.shape[0], "rkd_distance: batch \(student.shape) vs \(teacher.shape)")
    let t = normalizedDistances(Variable(constant: teacher), normalization: normalization, eps: eps)
    return normalizedDistances(student, normalization: normalization, eps: eps).smoothL1(t, beta: 1).mean()
}

/// Cosines of the angles ∠(xⱼ − xᵢ, xₖ − xᵢ) for every triplet: [N, N, N].
func tripletAngles(_ x: Variable) -> Variable {
    x.rowsFlattened().tripletAngleCosines()
}

/// Park et al. 2019, angle-wise RKD: smooth-L1 (β = 1) between the triplet angle cosines of
/// student and teacher, averaged over the N³ triplets. The teacher carries no gradient.
public func rkdAngle(student: Variable, teacher: Tensor) -> Variable {
    precondition(student.shape[0] == teacher.shape[0], "rkd_angle: batch \(student.shape) vs \(teacher.shape)")
    let t = tripletAngles(Variable(constant: teacher))
    return tripletAngles(student).smoothL1(t, beta: 1).mean()
}

/// The `rkd_distance` kind (features or logits; any trailing shape, flattened per sample).
struct RKDDistanceLoss: LossFunction {
    /// Mean over positive pairs (original) or over all pairs with ε (PaddleClas).
    public var normalization: RKDDistanceNormalization
    /// ε of the all-pairs normalisation.
    public var eps: Float

    public init(normalization: RKDDistanceNormalization, eps: Float) {
        self.normalization = normalization
        self.eps = eps
    }

    public var roles: [String] { ["student", "teacher"] }
    public var needsLabels: Bool { false }

    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        rkdDistance(
            student: inputs["student"]!, teacher: inputs["teacher"]!.value, normalization: normalization, eps: eps)
    }
}

extension LossKind {
    static let rkdDistance = LossKind(
        name: "rkd_distance", doc: "Park et al.: smooth-L1 between normalised pairwise distances",
        inputs: [.student, .teacher],
        options: [
            .choice(
                "normalization", "positive_pairs", RKDDistanceNormalization.allCases.map(\.rawValue),
                "mean over distinct pairs (Park et al.) or over all N² pairs + eps (PaddleClas)"),
            .number("eps", 1e-12, .atLeast(0), "added to the mean distance"),
        ],
        shapes: .sameRows
    ) { o throws(LossOptionError) in
        RKDDistanceLoss(normalization: try o.choice("normalization"), eps: try o.number("eps"))
    }

    static let rkdAngle = LossKind(
        name: "rkd_angle", doc: "Park et al.: smooth-L1 between triplet angle cosines",
        inputs: [.student, .teacher], shapes: .sameRows
    ) { _ throws(LossOptionError) in
        TeacherPairLoss { KDLoss.rkdAngle(student: $0, teacher: $1) }
    }
}
