import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct ResizeGradTests {
    /// Rows and columns read as PyTorch's nearest mode picks them: ⌊i · in / out⌋.
    @Test func nearestPicksFloorOfScaledIndex() {
        let x = Tensor(shape: [1, 1, 2, 3], scalars: [0, 1, 2, 3, 4, 5])
        let up = Variable(constant: x).nearestResized(height: 3, width: 4).value
        #expect(up.scalars == [0, 0, 1, 2, 0, 0, 1, 2, 3, 3, 4, 5])
        let down = Variable(constant: Tensor(shape: [1, 1, 1, 5], scalars: [0, 1, 2, 3, 4]))
        #expect(down.nearestResized(height: 1, width: 2).value.scalars == [0, 2])
    }

    @Test func nearestResizeGradients() {
        let x = randomTensor([2, 3, 4, 5], seed: 60)
        checkGradients([x]) { $0[0].nearestResized(height: 7, width: 6) }
        checkGradients([x]) { $0[0].nearestResized(height: 3, width: 2) }
        checkGradients([randomTensor([2, 3, 1, 1], seed: 61)]) { $0[0].nearestResized(height: 4, width: 4) }
    }

    @Test func concatenateAndSliceChannels() {
        let a = randomTensor([2, 3, 2, 2], seed: 62), b = randomTensor([2, 1, 2, 2], seed: 63)
        let joined = Variable.concatenated(channels: [Variable(constant: a), Variable(constant: b)])
        #expect(joined.shape == [2, 4, 2, 2])
        #expect(joined.channels(0..<3).value == a)
        #expect(joined.channels(3..<4).value == b)
        checkGradients([a, b]) { Variable.concatenated(channels: [$0[0], $0[1]]) }
        checkGradients([a]) { $0[0].channels(1..<2) }
        checkGradients([randomTensor([3, 5], seed: 64)]) { $0[0].channels(2..<5) }
    }
}
