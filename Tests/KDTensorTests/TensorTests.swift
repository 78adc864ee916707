import KDTensor
import Testing

@Suite struct TensorTests {
    @Test func broadcastingArithmetic() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let row = Tensor(shape: [3], scalars: [10, 20, 30])
        let col = Tensor(shape: [2, 1], scalars: [100, 200])
        #expect((a + row).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * col).scalars == [100, 200, 300, 800, 1000, 1200])
        #expect((col - row).shape == [2, 3])
        #expect((col - row).scalars == [90, 80, 70, 190, 180, 170])
    }

    @Test func reductionsOverAxes() {
        let a = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init))
        #expect(a.sum(axes: [1]).scalars == [6, 9, 24, 27])
        #expect(a.sum(axes: [0, 2], keepDims: true).shape == [1, 3, 1])
        #expect(a.sum(axes: [0, 2]).scalars == [14, 22, 30])
        #expect(a.mean().scalar == 5.5)
        let (values, indices) = a.max(axis: 1)
        #expect(values.scalars == [4, 5, 10, 11])
        #expect(indices == [2, 2, 2, 2])
        #expect(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6]).sumToShape([1, 3]).scalars == [5, 7, 9])
    }

    @Test func permuteAndMatmul() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(a.transposed.scalars == [1, 4, 2, 5, 3, 6])
        #expect(a.matmul(a, transposeOther: true).scalars == [14, 32, 32, 77])
        #expect(a.matmul(a, transposeSelf: true).shape == [3, 3])
        let b = Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init))
        #expect(b.permuted([2, 0, 1]).scalars == [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11])
        let bmm = b.batchedMatmul(b, transposeOther: true)
        #expect(bmm.scalars == [5, 14, 14, 50, 149, 212, 212, 302])
    }

    @Test func reshapeSharesNothingObservable() {
        let a = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        var b = a.reshaped([3, -1])
        #expect(b.shape == [3, 2])
        b.withUnsafeMutableBufferPointer { $0[0] = 99 }
        #expect(a.scalars[0] == 1)
    }
}
