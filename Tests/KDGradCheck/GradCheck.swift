// Test support shared by the test targets: seeded inputs and the finite-difference gradient check
// (and `expectClose`, beside it).
import KDAutodiff
import KDTensor
import Testing

/// Random test inputs from the counter generator, so every run checks the same numbers.
public func randomTensor(_ dims: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
    CounterRandom(seed: seed).normalTensor(Shape(dims), std: scale)
}

/// Checks the tape's gradients of L = Σ f(inputs) ⊙ R (R fixed random) against central finite
/// differences. Float forward passes bound the accuracy of the differences, so the step is
/// 1e-2 and L is summed in Double; wrong rules show errors of order one, far above `rtol`.
public func checkGradients(
    _ inputs: [Tensor], h: Float = 1e-2, rtol: Float = 1e-2, atol: Float = 2e-3,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ f: ([Variable]) -> Variable
) {
    let tape = Tape()
    let vars = inputs.map { tape.variable($0) }
    let out = f(vars)
    let weights = randomTensor(out.shape.dims, seed: 999)
    let loss = (out * Variable(constant: weights)).sum()
    let grads = tape.gradients(of: loss)

    func numericLoss(_ xs: [Tensor]) -> Double {
        let y = f(xs.map { Variable(constant: $0) }).value
        return zip(y.scalars, weights.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }

    for (k, x) in inputs.enumerated() {
        guard let analytic = grads[vars[k]] else {
            Issue.record("input \(k) received no gradient", sourceLocation: sourceLocation)
            continue
        }
        #expect(analytic.shape == x.shape, "input \(k) gradient shape", sourceLocation: sourceLocation)
        for j in 0..<x.count {
            var plus = inputs, minus = inputs
            plus[k] = x.replacing(j, with: x.scalars[j] + h)
            minus[k] = x.replacing(j, with: x.scalars[j] - h)
            let numeric = Float((numericLoss(plus) - numericLoss(minus)) / Double(2 * h))
            let a = analytic.scalars[j]
            if abs(a - numeric) > atol + rtol * max(abs(a), abs(numeric)) {
                Issue.record(
                    "input \(k) element \(j): tape \(a), finite difference \(numeric)", sourceLocation: sourceLocation)
                return
            }
        }
    }
}

extension Tensor {
    /// A copy with element `index` set to `value`.
    public func replacing(_ index: Int, with value: Float) -> Tensor {
        var copy = self
        copy.withUnsafeMutableBufferPointer { $0[index] = value }
        return copy
    }
}
