import KDNN
import KDTensor
@testable import KDTraining
import Testing

/// Rank `rank` of `size` ranks that all hold what this one holds, except that `peers` gives the
/// other ranks' weight fingerprints when set.
final class MirroredRanks: Collective {
    let rank: Int, size: Int
    var peers: UInt64?
    init(rank: Int = 0, size: Int = 2, peers: UInt64? = nil) {
        (self.rank, self.size, self.peers) = (rank, size, peers)
    }
    func sum(_ values: UnsafeMutableBufferPointer<Float>) { for i in values.indices { values[i] *= Float(size) } }
    func gather(_ value: UInt64) -> [UInt64] { (0..<size).map { $0 == rank ? value : peers ?? value } }
    func barrier() {}
}

@Suite struct CollectiveTests {
    @Test func averagingIdenticalRanksGivesBackTheirValues() throws {
        let a = Parameter(Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])),
            b = Parameter(Tensor(shape: [2], scalars: [0, 0]))
        let unused = Parameter(Tensor(shape: [1], scalars: [0]))
        let grads = [
            ObjectIdentifier(a): Tensor(shape: [2, 3], scalars: [0.5, -1, 2, 0, 3, 1]),
            ObjectIdentifier(b): Tensor(shape: [2], scalars: [7, -7]),
        ]
        let averaged = try MirroredRanks().average(
            parameters: [a, unused, b], gradient: { grads[ObjectIdentifier($0)] },
            total: 1.5, terms: ["kd": 1, "ce": 0.5], rows: 37, stop: false)
        #expect(averaged.gradients[ObjectIdentifier(a)]?.scalars == grads[ObjectIdentifier(a)]?.scalars)
        #expect(averaged.gradients[ObjectIdentifier(b)]?.scalars == grads[ObjectIdentifier(b)]?.scalars)
        #expect(averaged.gradients[ObjectIdentifier(unused)] == nil)
        #expect(averaged.total == 1.5 && averaged.terms == ["kd": 1, "ce": 0.5] && !averaged.stop)
        #expect(
            try MirroredRanks().average(
                parameters: [], gradient: { _ in nil }, total: 0, terms: [:], rows: 1, stop: true
            ).stop)
    }

    @Test func differingWeightsNameTheStepAndEachRank() throws {
        let p = [("student.fc.weight", Parameter(Tensor(shape: [2], scalars: [1, 2])))]
        try MirroredRanks().checkIdentical(p, step: 40)
        do {
            try MirroredRanks(rank: 1, peers: 0xBAD).checkIdentical(p, step: 40)
            Issue.record("differing weights passed the check")
        } catch let error as TrainingError {
            guard case let .weightsDiverged(step, fingerprints) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(step == 40 && fingerprints[0] == 0xBAD && fingerprints[1] != 0xBAD)
            #expect(error.description.hasPrefix("weights differ across ranks at step 40: rank 0 bad, rank 1 "))
        }
    }

    @Test func everyBatchMustGiveEveryRankARow() throws {
        let four = MirroredRanks(size: 4)
        try four.checkShares(samples: 10, batch: 4, dropLast: true)
        #expect(throws: TrainingError.self) { try four.checkShares(samples: 10, batch: 3, dropLast: true) }
        #expect(throws: TrainingError.self) { try four.checkShares(samples: 10, batch: 4, dropLast: false) }
        try four.checkShares(samples: 14, batch: 5, dropLast: false)
        try SingleProcess().checkShares(samples: 10, batch: 1, dropLast: false)
    }
}
