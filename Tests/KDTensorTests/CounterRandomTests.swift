import KDTensor
import Testing

@Suite struct CounterRandomTests {
    @Test func isAPureFunctionOfSeedStreamAndCounter() {
        let r = CounterRandom(seed: 42, stream: 7)
        let forward = (0..<100).map { r.uniform(UInt64($0)) }
        let backward = (0..<100).reversed().map { r.uniform(UInt64($0)) }.reversed()
        #expect(forward == Array(backward))
        #expect(CounterRandom(seed: 43, stream: 7).uniform(0) != r.uniform(0))
        #expect(r.substream(1).uniform(0) != r.substream(2).uniform(0))
    }

    @Test func momentsAreRight() {
        let r = CounterRandom(seed: 1)
        let n = 100_000
        let u = r.uniformTensor([n]), z = r.normalTensor([n])
        #expect(abs(u.mean().scalar - 0.5) < 0.005)
        #expect(u.scalars.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(z.mean().scalar) < 0.01)
        #expect(abs(z.squared().mean().scalar - 1) < 0.02)
        let counts = (0..<n).reduce(into: [Int](repeating: 0, count: 10)) { c, i in
            c[r.integer(UInt64(i), below: 10)] += 1
        }
        #expect(counts.allSatisfy { abs($0 - n / 10) < 500 })
    }
}
