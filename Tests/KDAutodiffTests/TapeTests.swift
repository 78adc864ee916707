@testable import KDAutodiff
@testable import KDTensor
import Testing

@Suite struct TapeTests {
    @Test func constantsAndUnrecordedScopesGetNoGradient() {
        let tape = Tape()
        let w = tape.variable(Tensor(shape: [2], scalars: [1, 2]))
        let c = Variable(constant: Tensor(shape: [2], scalars: [3, 4]))
        let frozen = tape.withoutRecording { w * c }
        #expect(!frozen.isRecorded)
        let loss = (w * c + frozen).sum()
        let grads = tape.gradients(of: loss)
        #expect(grads[w]?.scalars == [3, 4])
        #expect(grads[c] == nil)
    }

    @Test func unreachedLeavesAreAbsent() {
        let tape = Tape()
        let a = tape.variable(Tensor.ones([2])), b = tape.variable(Tensor.ones([2]))
        let grads = tape.gradients(of: (a * 2).sum())
        #expect(grads[a]?.scalars == [2, 2])
        #expect(grads[b] == nil)
        #expect(grads.count == 1)
    }
}
