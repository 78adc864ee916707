import Foundation
import KDTensor

extension TrainingPlan.EnsemblePlan {
    /// The ensemble's logits from its members' (one per member, in order, all of one shape).
    func combine(_ members: [Tensor]) -> Tensor {
        switch over {
        case .logits:
            return zip(members, weights).dropFirst().reduce(members[0] * weights[0]) { $0 + $1.0 * $1.1 }
        case .probabilities:
            let mean = zip(members, weights).dropFirst().reduce(members[0].softmax() * weights[0]) {
                $0 + $1.0.softmax() * $1.1
            }
            // A class every member rules out would be log 0; the floor keeps the logits finite.
            return mean.map { Foundation.log(Swift.max($0, Float.leastNormalMagnitude)) }
        }
    }
}
