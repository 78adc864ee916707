import KDTensor
import Testing

@Suite struct DistanceTests {
    @Test func pairwiseDistancesMatchRKDsPdist() {
        expectClose(fixture("pdist.x").pairwiseDistances(), fixture("pdist.y"), "pairwise distances")
    }

    @Test func rowNormalisationMatchesTorchNormalize() {
        expectClose(fixture("pdist.x").l2NormalizedRows().output, fixture("normalize.y"), "normalised rows")
    }
}
