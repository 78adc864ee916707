import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct ShapeGradTests {
    @Test func reshapePermuteTranspose() {
        let x = randomTensor([2, 3, 4], seed: 50)
        checkGradients([x]) { $0[0].reshaped([6, -1]) }
        checkGradients([x]) { $0[0].flattened() }
        checkGradients([x]) { $0[0].permuted([2, 0, 1]) }
        checkGradients([randomTensor([3, 5], seed: 51)]) { $0[0].transposed }
    }
}
