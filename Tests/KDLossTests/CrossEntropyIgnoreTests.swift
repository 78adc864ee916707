import Foundation
import KDAutodiff
import KDLoss
import KDTensor
import Testing

/// Cross-entropy over a batch mixing labelled and unlabeled samples (label < 0): the mean runs
/// over the labelled rows only and unlabeled rows get no gradient, as PyTorch's ignore_index.
@Suite struct CrossEntropyIgnoreTests {
    static let logits: [[Double]] = [[2, -1, 0.5], [0.3, 0.1, -2], [-1, 1, 3], [4, 0, 0]]

    /// log-softmax of one row, in Double.
    static func logSoftmax(_ row: [Double]) -> [Double] {
        let m = row.max()!
        let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
        return row.map { $0 - lse }
    }

    static func run(_ labels: [Int]) -> (value: Float, gradient: Tensor) {
        let tape = Tape()
        let x = tape.variable(Tensor(shape: [4, 3], scalars: logits.flatMap { $0.map(Float.init) }))
        let loss = crossEntropy(logits: x, labels: labels)
        return (loss.value.scalar, tape.gradients(of: loss)[x] ?? Tensor(repeating: 0, shape: [4, 3]))
    }

    @Test func meanOverLabelledSamplesOnly() {
        let labels = [0, -1, 2, -1]
        let (value, gradient) = Self.run(labels)
        // Hand computation: −(log p₀[0] + log p₂[2]) / 2; gradient (softmax − onehot) / 2 on rows 0 and 2.
        let expected = -(Self.logSoftmax(Self.logits[0])[0] + Self.logSoftmax(Self.logits[2])[2]) / 2
        #expect(abs(Double(value) - expected) < 1e-6)
        for (i, y) in labels.enumerated() {
            let p = Self.logSoftmax(Self.logits[i]).map(exp)
            for j in 0..<3 {
                let want = y < 0 ? 0 : (p[j] - (j == y ? 1 : 0)) / 2
                #expect(abs(Double(gradient.scalars[i * 3 + j]) - want) < 1e-6, "row \(i) column \(j)")
            }
        }
    }

    @Test func batchWithoutLabelsContributesNothing() {
        let (value, gradient) = Self.run([-1, -1, -1, -1])
        #expect(value == 0)
        #expect(gradient.scalars.allSatisfy { $0 == 0 })
    }

    @Test func fullyLabelledBatchIsTheUsualMean() {
        let labels = [0, 1, 2, 0]
        let expected = -labels.enumerated().reduce(0.0) { $0 + Self.logSoftmax(Self.logits[$1.offset])[$1.element] } / 4
        #expect(abs(Double(Self.run(labels).value) - expected) < 1e-6)
    }
}
