import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct ArithmeticGradTests {
    @Test func addSubtractWithBroadcasting() {
        checkGradients([randomTensor([2, 3, 4], seed: 1), randomTensor([3, 1], seed: 2)]) { $0[0] + $0[1] }
        checkGradients([randomTensor([4], seed: 3), randomTensor([2, 3, 4], seed: 4)]) { $0[0] - $0[1] }
    }

    @Test func multiplyDivideWithBroadcasting() {
        checkGradients([randomTensor([2, 3, 4], seed: 5), randomTensor([1, 3, 1], seed: 6)]) { $0[0] * $0[1] }
        checkGradients([randomTensor([2, 3], seed: 7), awayFromZero([3], seed: 8, gap: 1)]) { $0[0] / $0[1] }
    }

    @Test func scalarOpsAndNegation() {
        checkGradients([randomTensor([5], seed: 9)]) { -($0[0] * 3 + 1) / 2 - 0.5 }
    }

    @Test func maximum() {
        checkGradients([distinctValues([2, 3], seed: 10), distinctValues([3], seed: 11).map { $0 + 0.025 }]) {
            $0[0].maximum($0[1])
        }
    }

    @Test func aVariableUsedTwiceAccumulatesBothPaths() {
        checkGradients([randomTensor([3], seed: 12)]) { $0[0] * $0[0] + $0[0] }
    }
}
