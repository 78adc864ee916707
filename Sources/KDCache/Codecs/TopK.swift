import Foundation

/// Top-k logits as FKD/ReLabel store them: the k most probable classes, their probabilities and
/// the leftover mass. Served back as log-probabilities whose softmax is the stored distribution
/// (the leftover spread evenly over the other classes), so KD at temperature T sees
/// softmax(log p / T): the top-k classes keep their exact ratios, the tail is flat.
enum TopK {
    /// Smallest probability served, so no log is -inf (a KD term would turn it into NaN).
    static let floor: Float = 1e-12

    /// The k largest classes of one sample's logits (ties: lower class first) with their
    /// probabilities, and the leftover probability mass.
    static func encode(_ logits: UnsafeBufferPointer<Float>, k: Int) -> (
        indices: [UInt16], probabilities: [Float], leftover: Float
    ) {
        let m = logits.max() ?? 0
        var sum = 0.0
        for z in logits { sum += Foundation.exp(Double(z - m)) }
        let order = logits.indices.sorted { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }.prefix(k)
        let probabilities = order.map { Float(Foundation.exp(Double(logits[$0] - m)) / sum) }
        let kept = probabilities.reduce(0.0) { $0 + Double($1) }
        return (order.map { UInt16($0) }, probabilities, Float(max(0, 1 - kept)))
    }

    /// Log-probabilities over `classes` from stored top-k values.
    static func decode(
        indices: ArraySlice<UInt16>, probabilities: UnsafeBufferPointer<Float>, leftover: Float, classes: Int,
        into out: UnsafeMutableBufferPointer<Float>
    ) {
        let rest = classes - indices.count
        let tail = rest > 0 ? Foundation.log(max(leftover / Float(rest), floor)) : Foundation.log(floor)
        for c in 0..<classes { out[c] = tail }
        for (j, c) in indices.enumerated() where Int(c) < classes {
            out[Int(c)] = Foundation.log(max(probabilities[j], floor))
        }
    }
}
