import Foundation
import KDTensor

/// The per-channel margin of OverHaul distillation: the expected value of a channel's negative
/// responses, E[x | x < 0] for x ~ N(μ, σ²), i.e. μ − σ·φ(μ/σ)/Φ(−μ/σ), or −3σ when
/// Φ(−μ/σ) ≤ 0.001 (overhaul-distillation's get_margin_from_BN).
public enum OverhaulMargin: Sendable {
    /// Where the margins come from, as the `margin` option names it.
    public enum Source: String, Sendable {
        case batch, bn, values
    }

    /// Fixed values, one per channel (e.g. computed once from a teacher's BN).
    case values([Float])
    /// μ = β, σ = |γ| of the BN that produced the teacher's tap, from the loaded teacher.
    case teacherBatchNorm(TeacherBatchNorm)
    /// μ, σ of each channel of the teacher's tap in the current batch: the same Gaussian model for
    /// teachers without a BN before the tap (the small CNN's `features.preact`).
    case batchStatistics

    /// The margins for a teacher tap of this batch.
    func values(for teacher: Tensor) -> [Float] {
        switch self {
        case .values(let m): m
        case .teacherBatchNorm(let bn): bn.margins()
        case .batchStatistics: Self.batchMargins(teacher)
        }
    }

    /// The margin of one channel with mean `mu` and standard deviation `sigma`.
    public static func margin(mean mu: Double, std sigma: Double) -> Float {
        // A point mass at μ: its negative part is μ itself, or empty (margin 0 = −3σ).
        guard sigma > 0 else { return Float(Swift.min(mu, 0)) }
        let tail = 0.5 * erfc((mu / sigma) / 2.0.squareRoot())
        guard tail > 0.001 else { return Float(-3 * sigma) }
        let density = Foundation.exp(-(mu / sigma) * (mu / sigma) / 2) / (2 * Double.pi).squareRoot()
        return Float(mu - sigma * density / tail)
    }

    /// Margins from a BN's weight γ and bias β.
    static func margins(gamma: Tensor, beta: Tensor) -> [Float] {
        zip(gamma.scalars, beta.scalars).map { margin(mean: Double($1), std: Double(Swift.abs($0))) }
    }

    /// Margins from each channel's (biased) mean and standard deviation over all other axes.
    static func batchMargins(_ teacher: Tensor) -> [Float] {
        let dims = teacher.shape.dims
        let channels = dims[1], inner = dims[2...].reduce(1, *), outer = dims[0]
        var sum = [Double](repeating: 0, count: channels), sumSquares = sum
        teacher.withUnsafeBufferPointer { t in
            for o in 0..<outer {
                for c in 0..<channels {
                    for i in 0..<inner {
                        let v = Double(t[(o * channels + c) * inner + i])
                        sum[c] += v
                        sumSquares[c] += v * v
                    }
                }
            }
        }
        let count = Double(outer * inner)
        return (0..<channels).map { c in
            let mean = sum[c] / count
            return margin(mean: mean, std: Swift.max(sumSquares[c] / count - mean * mean, 0).squareRoot())
        }
    }
}

/// The BN of a frozen teacher whose β/|γ| give the margins: named at planning, resolved from the
/// loaded teacher's parameters when training starts (the weights may not exist when the plan is
/// made: a `trained_by` run writes them).
public final class TeacherBatchNorm: @unchecked Sendable {
    /// The teacher model's name in the plan.
    public let model: String
    /// The BN's parameter prefix, e.g. `layer3.2.bn2` (its `.weight` and `.bias`).
    public let prefix: String
    // Guards `resolved`: loss functions are shared with the training stage's thread.
    private let lock = NSLock()
    private var resolved: [Float]?

    public init(model: String, prefix: String) {
        self.model = model
        self.prefix = prefix
    }

    /// Computes the margins from the BN's loaded γ and β.
    public func resolve(gamma: Tensor, beta: Tensor) {
        lock.withLock { resolved = OverhaulMargin.margins(gamma: gamma, beta: beta) }
    }

    func margins() -> [Float] {
        // The trainer resolves every TeacherBatchNorm of its plan before the first step.
        guard let margins = lock.withLock({ resolved }) else {
            preconditionFailure("overhaul: \(model)'s \(prefix) margins were never resolved")
        }
        return margins
    }
}
