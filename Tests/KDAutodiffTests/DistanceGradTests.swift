import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct DistanceGradTests {
    @Test func rowNormalisation() {
        checkGradients([randomTensor([4, 3], seed: 100)]) { $0[0].l2NormalizedRows() }
    }

    @Test func pairwiseDistances() {
        checkGradients([randomTensor([5, 3], seed: 101)]) { $0[0].pairwiseDistances() }
    }

    @Test func tripletAngleCosines() {
        checkGradients([randomTensor([5, 3], seed: 102)]) { $0[0].tripletAngleCosines() }
    }
}
