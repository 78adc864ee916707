import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct SoftmaxGradTests {
    @Test func softmaxFamilyOnEachAxis() {
        let x = randomTensor([3, 4, 5], seed: 40, scale: 2)
        for axis in [-1, 1, 0] {
            checkGradients([x]) { $0[0].softmax(axis: axis) }
            checkGradients([x]) { $0[0].logSoftmax(axis: axis) }
            checkGradients([x]) { $0[0].logSumExp(axis: axis) }
        }
        checkGradients([x]) { $0[0].logSumExp(axis: 2, keepDims: true) }
    }
}
