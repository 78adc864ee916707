import Foundation
import Testing
import KDData

/// Data-parallel ranks' shares of a global batch.
@Suite struct LoaderShareTests {
    @Test func sharesTileEveryBatchInOrder() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 23, labeled: true), name: "d", to: dir.file("d"), shardSize: 5)
        let loader = try DataLoader(dataset: try ShardedDataset(directory: dir.file("d")), batchSize: 10, seed: 1)
        let order = loader.order(epoch: 0)
        for index in 0..<loader.batchCount {
            let whole = loader.batch(index, epoch: 0, order: order)
            let parts = (0..<3).map { loader.batch(index, epoch: 0, order: order, share: ($0, 3)) }
            #expect(parts.flatMap(\.ids) == whole.ids, "batch \(index): the ranks' rows, in rank order, are the batch")
            #expect(parts.flatMap { $0.labels ?? [] } == whole.labels)
            #expect(parts.map(\.count) == (index < 2 ? [3, 3, 4] : [1, 1, 1]))
            for part in parts { #expect(part.index == index && part.views.count == part.count) }
        }
    }
}
