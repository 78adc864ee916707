import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct UnaryGradTests {
    @Test func smoothFunctions() {
        let x = randomTensor([2, 5], seed: 20)
        checkGradients([x]) { $0[0].exp() }
        checkGradients([x]) { $0[0].sigmoid() }
        checkGradients([x]) { $0[0].tanh() }
        checkGradients([x]) { $0[0].squared() }
        let positive = randomTensor([2, 5], seed: 21).abs() + 0.5
        checkGradients([positive]) { $0[0].log() }
        checkGradients([positive]) { $0[0].sqrt() }
        checkGradients([positive]) { $0[0].pow(1.7) }
    }

    @Test func piecewiseFunctionsAwayFromTheirKinks() {
        let x = awayFromZero([3, 4], seed: 22)
        checkGradients([x]) { $0[0].relu() }
        checkGradients([x]) { $0[0].leakyRelu(slope: 0.1) }
        checkGradients([x]) { $0[0].abs() }
        checkGradients([distinctValues([3, 4], seed: 23)]) { $0[0].clamped(-0.12, 0.13) }
    }
}
