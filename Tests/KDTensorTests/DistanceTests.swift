import KDTensor
import KDGradCheck
import Testing

@Suite struct DistanceTests {
    @Test func pairwiseDistancesMatchRKDsPdist() {
        expectClose(fixture("pdist.x").pairwiseDistances(), fixture("pdist.y"), "pairwise distances")
    }

    @Test func rowNormalisationMatchesTorchNormalize() {
        expectClose(fixture("pdist.x").l2NormalizedRows().output, fixture("normalize.y"), "normalised rows")
    }
}

@Suite struct TripletAngleTests {
    /// The definition in Double: unit difference vectors (zero for coinciding rows), dotted.
    static func directCosines(_ x: Tensor) -> [Double] {
        let (n, d) = (x.shape[0], x.shape[1])
        let v = x.scalars.map(Double.init)
        var unit = [Double](repeating: 0, count: n * n * d)
        for i in 0..<n {
            for j in 0..<n {
                let diff = (0..<d).map { v[j * d + $0] - v[i * d + $0] }
                let norm = diff.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for p in 0..<d { unit[(i * n + j) * d + p] = norm > 0 ? diff[p] / norm : 0 }
            }
        }
        var cosines = [Double](repeating: 0, count: n * n * n)
        for i in 0..<n {
            for j in 0..<n {
                for k in 0..<n {
                    cosines[(i * n + j) * n + k] = (0..<d).reduce(0) {
                        $0 + unit[(i * n + j) * d + $1] * unit[(i * n + k) * d + $1]
                    }
                }
            }
        }
        return cosines
    }

    @Test func gramCosinesMatchTheDefinitionInDouble() {
        // Offset rows far from the origin, and a repeated row (its angles are 0, as normalize(0) is 0).
        var rows = CounterRandom(seed: 7).normalTensor(Shape([12, 9]), std: 1).scalars.map { $0 + 20 }
        rows.replaceSubrange(9 * 9..<10 * 9, with: rows[2 * 9..<3 * 9])
        let x = Tensor(shape: [12, 9], scalars: rows)
        let (cosines, _) = x.tripletAngleCosines()
        let expected = Self.directCosines(x)
        let worst = zip(cosines.scalars, expected).map { abs(Double($0) - $1) }.max()!
        #expect(worst < 2e-5, "largest cosine error \(worst)")
        #expect(cosines.scalars[(2 * 12 + 9) * 12 + 4] == 0, "a row repeated in the batch has no angle at its copy")
    }

    @Test func backwardIsTheSameOnOneAndTwoThreads() {
        let x = CounterRandom(seed: 8).normalTensor(Shape([40, 16]), std: 1)
        let (cosines, geometry) = x.tripletAngleCosines()
        let g = CounterRandom(seed: 9).normalTensor(cosines.shape, std: 1)
        let saved = ThreadBudget.threads
        defer { ThreadBudget.threads = saved }
        ThreadBudget.threads = 1
        let one = Tensor.tripletAngleCosinesBackward(g, cosines: cosines, geometry: geometry)
        ThreadBudget.threads = 2
        let two = Tensor.tripletAngleCosinesBackward(g, cosines: cosines, geometry: geometry)
        #expect(one.scalars == two.scalars)
    }
}
