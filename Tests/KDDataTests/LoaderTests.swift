import Foundation
import Testing
@testable import KDData

@Suite struct LoaderTests {
    func dataset(_ dir: TempDir, count: Int = 23, labeled: Bool = true) throws -> ShardedDataset {
        try DatasetWriter.write(
            Synthetic.table(count: count, labeled: labeled), name: "d", to: dir.file("d"), shardSize: 5)
        return try ShardedDataset(directory: dir.file("d"))
    }

    @Test func orderIsAPureFunctionOfSeedAndEpoch() {
        let a = EpochOrder.permutation(count: 100, seed: 7, epoch: 3)
        #expect(a == EpochOrder.permutation(count: 100, seed: 7, epoch: 3))
        #expect(a.sorted() == Array(0..<100))
        #expect(a != EpochOrder.permutation(count: 100, seed: 7, epoch: 4))
        #expect(a != EpochOrder.permutation(count: 100, seed: 8, epoch: 3))
    }

    @Test func batchesCoverTheEpochAcrossShards() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let ds = try dataset(dir)
        let keep = try DataLoader(dataset: ds, batchSize: 4, seed: 1)
        let batches = Array(keep.epoch(0))
        #expect(batches.map(\.count) == [4, 4, 4, 4, 4, 3])
        #expect(Set(batches.flatMap(\.ids)).count == 23)
        #expect(batches[0].images.shape == [4, 1, 6, 6])
        let drop = try DataLoader(dataset: ds, batchSize: 4, dropLast: true, seed: 1)
        #expect(Array(drop.epoch(0)).map(\.count) == [4, 4, 4, 4, 4])
        let first = batches[0]
        for (n, id) in first.ids.enumerated() {
            let g = ds.index(of: id)!
            #expect(first.labels?[n] == ds.label(at: g))
            let expected = ds.withPixels(at: g) { $0.map { Float($0) / 255 } }
            #expect(Array(first.images.scalars[(n * 36)..<((n + 1) * 36)]) == expected)
        }
        let plain = try DataLoader(dataset: ds, batchSize: 10, shuffle: false, seed: 1)
        #expect(Array(plain.epoch(5)).flatMap(\.ids) == (0..<23).map(ds.id(at:)))
    }

    @Test func batchesArePureFunctionsOfSeedEpochAndIndex() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let ds = try dataset(dir)
        let aug = try Augmenter(
            ops: [.padCrop(size: 6, pad: 1), .hflip(probability: 0.5)], views: 2, seed: 9, input: ds.layout)
        let first = try DataLoader(dataset: ds, batchSize: 3, seed: 4, augmenter: aug)
        let second = try DataLoader(dataset: ds, batchSize: 3, seed: 4, augmenter: aug)
        for epoch in 0..<3 {
            let a = Array(first.epoch(epoch)), b = Array(second.epoch(epoch))
            #expect(a.map(\.images) == b.map(\.images))
            #expect(a.map(\.ids) == b.map(\.ids) && a.map(\.views) == b.map(\.views))
            // Out of order, one batch at a time: the same as in the epoch's sequence.
            let order = second.order(epoch: epoch)
            #expect(second.batch(2, epoch: epoch, order: order).images == a[2].images)
        }
    }

    @Test func unlabeledBatchesHaveNoLabels() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let loader = try DataLoader(dataset: try dataset(dir, labeled: false), batchSize: 8, seed: 0)
        #expect(Array(loader.epoch(0)).allSatisfy { $0.labels == nil })
    }

    /// A labelled and an unlabeled source read as one (written into `dir` unless already there).
    func union(_ dir: TempDir) throws -> DatasetUnion {
        if !FileManager.default.fileExists(atPath: dir.file("l").path) {
            try DatasetWriter.write(
                Synthetic.table(count: 7, labeled: true), name: "labeled", to: dir.file("l"), shardSize: 3)
            try DatasetWriter.write(
                Synthetic.table(count: 10, labeled: false), name: "unlabeled", to: dir.file("u"), shardSize: 4)
        }
        return try DatasetUnion([ShardedDataset(directory: dir.file("l")), ShardedDataset(directory: dir.file("u"))])
    }

    @Test func unionBatchesCoverBothSourcesOncePerEpoch() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let sources = try union(dir)
        let loader = try DataLoader(sources: sources, batchSize: 5, seed: 3)
        for epoch in 0..<3 {
            let batches = Array(loader.epoch(epoch))
            let ids = batches.flatMap(\.ids)
            #expect(ids.count == 17 && Set(ids).count == 17)
            #expect(ids.filter { $0.dataset == "labeled" }.count == 7)
            for batch in batches {
                for (n, id) in batch.ids.enumerated() {
                    let expected = id.dataset == "labeled" ? sources.label(at: sources.index(of: id)!) : Batch.noLabel
                    #expect(batch.labels?[n] == expected)
                }
            }
        }
        #expect(loader.order(epoch: 1).sorted() == Array(0..<17))
        #expect(loader.order(epoch: 1) == EpochOrder.permutation(count: 17, seed: 3, epoch: 1))
        #expect(loader.order(epoch: 1) != loader.order(epoch: 2))
    }

    @Test func unionBatchesArePureFunctionsOfSeedAndEpoch() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let aug = try Augmenter(
            ops: [.padCrop(size: 6, pad: 1), .hflip(probability: 0.5)], views: 2, seed: 9,
            input: try union(dir).layout)
        // Two independent openings: the same batches.
        let first = try DataLoader(sources: try union(dir), batchSize: 4, seed: 9, augmenter: aug)
        let second = try DataLoader(sources: try union(dir), batchSize: 4, seed: 9, augmenter: aug)
        let a = Array(first.epoch(1)), b = Array(second.epoch(1))
        #expect(a.map(\.ids) == b.map(\.ids))
        #expect(a.map(\.images.scalars) == b.map(\.images.scalars))
        #expect(a.map(\.labels) == b.map(\.labels))
    }

    @Test func unionRejectsCollidingNamesAndMismatchedLayouts() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 4, labeled: true), name: "same", to: dir.file("a"), shardSize: 4)
        try DatasetWriter.write(
            Synthetic.table(count: 4, labeled: false), name: "same", to: dir.file("b"), shardSize: 4)
        #expect(throws: DataError.self) {
            try DatasetUnion([ShardedDataset(directory: dir.file("a")), ShardedDataset(directory: dir.file("b"))])
        }
        try DatasetWriter.write(
            Synthetic.table(count: 4, labeled: false, side: 5), name: "small", to: dir.file("c"), shardSize: 4)
        #expect(throws: DataError.self) {
            try DatasetUnion([ShardedDataset(directory: dir.file("a")), ShardedDataset(directory: dir.file("c"))])
        }
        #expect(throws: DataError.self) { try DatasetUnion([]) }
    }
}
