import Foundation
import KDNN
import KDTensor

/// One optimisation step averaged over the ranks.
struct AveragedStep {
    /// The averaged gradient of each parameter that had one.
    var gradients: [ObjectIdentifier: Tensor]
    var total: Float
    var terms: [String: Float]
    /// Whether any rank was asked to stop.
    var stop: Bool
    /// Time spent in the allreduce (including waiting for the slowest rank).
    var seconds: Double
}

extension Collective {
    /// Averages one step over the ranks in a single allreduce of one flat buffer: each rank's
    /// mean-loss gradients and loss values are weighted by its rows, summed, and divided by the
    /// global batch's rows, so the result is what one process computes on the whole global batch.
    func average(
        parameters: [Parameter], gradient: (Parameter) -> Tensor?, total: Float, terms: [String: Float],
        rows: Int, stop: Bool
    ) throws -> AveragedStep {
        let present = parameters.compactMap { p in gradient(p).map { (p, $0) } }
        let names = terms.keys.sorted()
        let weight = Float(rows)
        var buffer = [Float]()
        buffer.reserveCapacity(present.reduce(0) { $0 + $1.1.count } + names.count + 3)
        // Scaled by KDTensor's kernels and copied whole: this layer is unoptimised in debug builds.
        for (_, g) in present { (g * weight).withUnsafeBufferPointer { buffer.append(contentsOf: $0) } }
        buffer.append(total * weight)
        buffer.append(contentsOf: names.map { terms[$0]! * weight })
        buffer.append(weight)
        buffer.append(stop ? 1 : 0)
        let started = Date()
        try buffer.withUnsafeMutableBufferPointer { try sum($0) }
        let seconds = Date().timeIntervalSince(started)
        let scale = 1 / buffer[buffer.count - 2]
        var gradients: [ObjectIdentifier: Tensor] = [:]
        var offset = 0
        for (p, g) in present {
            gradients[ObjectIdentifier(p)] =
                Tensor(shape: g.shape, scalars: Array(buffer[offset..<(offset + g.count)])) * scale
            offset += g.count
        }
        var averagedTerms: [String: Float] = [:]
        for (i, name) in names.enumerated() { averagedTerms[name] = buffer[offset + 1 + i] * scale }
        return AveragedStep(
            gradients: gradients, total: buffer[offset] * scale, terms: averagedTerms,
            stop: buffer[buffer.count - 1] > 0, seconds: seconds)
    }
}
