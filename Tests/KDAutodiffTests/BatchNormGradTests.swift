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

    @Test func evaluationMode() {
        let x = randomTensor([3, 2, 2, 2], seed: 93)
        let mean = randomTensor([2], seed: 94), variance = randomTensor([2], seed: 95).abs() + 0.5
        checkGradients([x, randomTensor([2], seed: 96), randomTensor([2], seed: 97)]) {
            $0[0].batchNormEvaluation(gamma: $0[1], beta: $0[2], runningMean: mean, runningVar: variance, eps: 1e-5)
        }
    }
}
