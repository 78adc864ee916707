import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct BatchNormGradTests {
    @Test(arguments: [[4, 3, 3, 3], [6, 4]])
    func trainingMode(dims: [Int]) {
        let c = dims[1]
        let x = randomTensor(dims, seed: 90, scale: 2)
        let gamma = randomTensor([c], seed: 91).abs() + 0.5, beta = randomTensor([c], seed: 92)
        checkGradients([x, gamma, beta]) { $0[0].batchNormTraining(gamma: $0[1], beta: $0[2], eps: 1e-5).0 }
    }

    /// Batch norm with its ReLU fused gives exactly what batch norm and then a ReLU give: values
    /// and every gradient (γ of both signs; 25-element planes also run the scalar tails).
    @Test func fusedReLUMatchesReLUAfter() {
        let x = randomTensor([4, 3, 5, 5], seed: 98, scale: 2)
        let gamma = randomTensor([3], seed: 99), beta = randomTensor([3], seed: 100)
        func valueAndGradients(fused: Bool) -> [Tensor] {
            let tape = Tape()
            let vars = [x, gamma, beta].map { tape.variable($0) }
            let y =
                fused
                ? vars[0].batchNormTraining(gamma: vars[1], beta: vars[2], eps: 1e-5, relu: true).0
                : vars[0].batchNormTraining(gamma: vars[1], beta: vars[2], eps: 1e-5).0.relu()
            let grads = tape.gradients(of: (y * Variable(constant: randomTensor(y.shape.dims, seed: 101))).sum())
            return [y.value] + vars.map { grads[$0]! }
        }
        #expect(valueAndGradients(fused: true) == valueAndGradients(fused: false))
    }

    @Test func evaluationMode() {
        let x = randomTensor([3, 2, 2, 2], seed: 93)
        let mean = randomTensor([2], seed: 94), variance = randomTensor([2], seed: 95).abs() + 0.5
        checkGradients([x, randomTensor([2], seed: 96), randomTensor([2], seed: 97)]) {
            $0[0].batchNormEvaluation(gamma: $0[1], beta: $0[2], runningMean: mean, runningVar: variance, eps: 1e-5)
        }
    }
}
