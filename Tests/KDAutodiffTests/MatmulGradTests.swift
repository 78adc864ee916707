import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct MatmulGradTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func matmulInEveryTransposeVariant(transposeA: Bool, transposeB: Bool) {
        let a = randomTensor(transposeA ? [4, 3] : [3, 4], seed: 60)
        let b = randomTensor(transposeB ? [5, 4] : [4, 5], seed: 61)
        checkGradients([a, b]) { $0[0].matmul($0[1], transposeSelf: transposeA, transposeOther: transposeB) }
    }

    @Test func batchedMatmul() {
        checkGradients([randomTensor([2, 3, 4], seed: 62), randomTensor([2, 4, 2], seed: 63)]) {
            $0[0].batchedMatmul($0[1])
        }
    }
}
