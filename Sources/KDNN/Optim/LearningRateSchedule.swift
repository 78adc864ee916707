import Foundation

/// A learning-rate factor as a function of training progress (fractional epochs), with an
/// optional linear warm-up in front.
public struct LearningRateSchedule: Sendable, Equatable {
    /// The decay after warm-up.
    public enum Decay: Sendable, Equatable {
        /// Factor 1 throughout.
        case constant
        /// × gamma every `every` epochs.
        case step(every: Int, gamma: Double)
        /// × gamma at each milestone epoch.
        case multiStep(milestones: [Int], gamma: Double)
        /// Half-cosine from 1 to `minFactor` over the epochs after warm-up.
        case cosine(minFactor: Double)
    }

    public var decay: Decay
    /// Epochs of linear warm-up from ~0 to 1 (may be fractional).
    public var warmupEpochs: Double
    /// Total training epochs (for cosine).
    public var totalEpochs: Int

    public init(decay: Decay = .constant, warmupEpochs: Double = 0, totalEpochs: Int) {
        self.decay = decay
        self.warmupEpochs = warmupEpochs
        self.totalEpochs = totalEpochs
    }

    /// The factor at `epoch` (0-based, fractional within an epoch).
    public func factor(atEpoch epoch: Double) -> Double {
        if warmupEpochs > 0 && epoch < warmupEpochs { return (epoch + 1e-3) / warmupEpochs }
        switch decay {
        case .constant:
            return 1
        case let .step(every, gamma):
            return Foundation.pow(gamma, Double(Int(epoch) / max(every, 1)))
        case let .multiStep(milestones, gamma):
            return Foundation.pow(gamma, Double(milestones.filter { Double($0) <= epoch }.count))
        case let .cosine(minFactor):
            let span = max(Double(totalEpochs) - warmupEpochs, 1e-9)
            let progress = min(max((epoch - warmupEpochs) / span, 0), 1)
            return minFactor + (1 - minFactor) * 0.5 * (1 + Foundation.cos(Double.pi * progress))
        }
    }
}
