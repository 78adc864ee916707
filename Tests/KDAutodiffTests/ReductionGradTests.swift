import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct ReductionGradTests {
    @Test func sumAndMean() {
        let x = randomTensor([2, 3, 4], seed: 30)
        checkGradients([x]) { $0[0].sum() }
        checkGradients([x]) { $0[0].mean() }
        checkGradients([x]) { $0[0].sum(axes: [1]) }
        checkGradients([x]) { $0[0].sum(axes: [0, 2], keepDims: true) }
        checkGradients([x]) { $0[0].mean(axes: [-1]) }
    }

    @Test func maxAlongAnAxis() {
        let x = distinctValues([3, 4, 2], seed: 31)
        checkGradients([x]) { $0[0].max(axis: 1) }
        checkGradients([x]) { $0[0].max(axis: -1, keepDims: true) }
    }
}
