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

    /// CRD's scores against a constant bank: rows may repeat, within a sample and across samples.
    @Test func dotsWithGatheredRows() {
        let table = randomTensor([6, 5], seed: 64)
        let rows = [2, 0, 5, 2, 1, 1, 4, 3, 0]
        checkGradients([randomTensor([3, 5], seed: 65)]) { $0[0].dotsWithRows(of: table, rows) }
        let dots = table.gatheredRowDots(rows, randomTensor([3, 5], seed: 65))
        let reference = randomTensor([3, 5], seed: 65).matmul(table, transposeOther: true)
        for (i, row) in rows.enumerated() {
            #expect(abs(dots.scalars[i] - reference.scalars[(i / 3) * 6 + row]) <= 1e-5)
        }
    }
}
