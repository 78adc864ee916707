import KDTensor
import KDGradCheck
import Testing

@Suite struct SoftmaxTests {
    @Test func matchesPyTorch() {
        let x = fixture("softmax.x")
        expectClose(x.softmax(), fixture("softmax.y"), "softmax")
        expectClose(x.logSoftmax(), fixture("softmax.log"), "log-softmax")
        expectClose(x.logSumExp(), fixture("softmax.lse"), "log-sum-exp")
        expectClose(x.softmax(axis: 0), fixture("softmax.y_axis0"), "softmax over axis 0")
    }

    @Test func isStableForLargeLogits() {
        let x = Tensor(shape: [1, 3], scalars: [1000, 1001, -1000])
        let y = x.softmax()
        #expect(y.isFinite)
        #expect(abs(y.scalars.reduce(0, +) - 1) < 1e-6)
        #expect(x.logSumExp().scalar.isFinite)
        #expect(abs(x.logSoftmax().scalars[1] - (-0.31326166)) < 1e-5)
    }
}
