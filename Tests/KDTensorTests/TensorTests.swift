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

    @Test func reluAndItsBackwardFollowTheirDefinitions() {
        // Large enough to be split over threads; NaN and signed zeros included.
        let count = 3 * (1 << 16) + 5
        let specials: [Float] = [.nan, 0, -0.0, .infinity, -.infinity, 1e-30, -1e-30]
        let x = Tensor(
            shape: [count],
            scalars: (0..<count).map { i in
                i < specials.count ? specials[i] : Float(i % 97) - 48.5
            })
        let g = Tensor(shape: [count], scalars: (0..<count).map { Float($0 % 13) - 6 })
        let y = x.relu(), dx = g.reluBackward(input: x)
        for i in 0..<count {
            let xi = x.scalars[i]
            #expect(y.scalars[i].bitPattern == (xi > 0 ? xi : 0).bitPattern, "relu at \(i) (x = \(xi))")
            #expect(dx.scalars[i].bitPattern == (xi > 0 ? g.scalars[i] : 0).bitPattern, "backward at \(i)")
        }
    }

    @Test func sameShapeArithmeticFollowsTheScalarOperators() {
        let count = 3 * (1 << 16) + 3
        let a = Tensor(shape: [3, count / 3], scalars: (0..<count).map { Float($0 % 101) - 50.25 })
        let b = Tensor(shape: [3, count / 3], scalars: (0..<count).map { Float($0 % 7) - 3 })
        let results = [a + b, a - b, a * b, a / b]
        let operators: [(Float, Float) -> Float] = [(+), (-), (*), (/)]
        for (result, op) in zip(results, operators) {
            #expect(result.shape == a.shape)
            #expect(
                (0..<count).allSatisfy { result.scalars[$0].bitPattern == op(a.scalars[$0], b.scalars[$0]).bitPattern })
        }
    }
}
