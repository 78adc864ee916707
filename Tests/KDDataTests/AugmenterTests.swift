import Foundation
import Testing
@testable import KDData

@Suite struct AugmenterTests {
    let layout = SampleLayout(pixelType: .uint8, channels: 1, height: 4, width: 4)
    /// 1×4×4 image with pixel value 10·row + column (scaled by 1/255 on decode).
    let image: [UInt8] = (0..<16).map { UInt8(10 * ($0 / 4) + $0 % 4) }

    func render(_ ops: [AugmentOp], _ steps: [AugmentStep]) throws -> [Float] {
        let aug = try Augmenter(ops: ops, views: 1, seed: 0, input: layout)
        return image.withUnsafeBytes { aug.render($0, parameters: ViewParameters(view: 0, steps: steps)) }.map {
            ($0 * 255).rounded()
        }
    }

    @Test func paddedCropFlipNormalizeCutoutDoWhatTheySay() throws {
        let crop = try render(
            [.padCrop(size: 4, pad: 1)], [.crop(x: -1, y: 1, width: 4, height: 4, outHeight: 4, outWidth: 4)])
        #expect(crop == [0, 10, 11, 12, 0, 20, 21, 22, 0, 30, 31, 32, 0, 0, 0, 0])
        let flip = try render([.hflip(probability: 1)], [.flip(true)])
        #expect(Array(flip.prefix(4)) == [3, 2, 1, 0])
        let cut = try render([.cutout(size: 2, probability: 1)], [.cutout(x: 1, y: 2, width: 2, height: 2)])
        #expect(cut == [0, 1, 2, 3, 10, 11, 12, 13, 20, 0, 0, 23, 30, 0, 0, 33])
        let aug = try Augmenter(ops: [.normalize(mean: [0.5], std: [0.25])], views: 1, seed: 0, input: layout)
        let norm = image.withUnsafeBytes {
            aug.render($0, parameters: aug.parameters(for: SampleID(dataset: "d", shard: 0, index: 0), view: 0))
        }
        #expect(abs(norm[5] - (11.0 / 255 - 0.5) / 0.25) < 1e-6)
        let identity = try render(
            [.randomResizedCrop(size: 4)], [.crop(x: 0, y: 0, width: 4, height: 4, outHeight: 4, outWidth: 4)])
        #expect(identity == image.map(Float.init))
        let upscaled = try render(
            [.randomResizedCrop(size: 4)], [.crop(x: 1, y: 1, width: 2, height: 2, outHeight: 4, outWidth: 4)])
        #expect(upscaled[0] == 11 && upscaled[15] == 22)
    }

    @Test func drawsArePureAndReplayable() throws {
        let ops: [AugmentOp] = [
            .randomResizedCrop(size: 3), .padCrop(size: 3, pad: 2), .hflip(probability: 0.5),
            .normalize(mean: [0.3], std: [0.4]), .cutout(size: 2, probability: 0.7),
        ]
        let aug = try Augmenter(ops: ops, views: 3, seed: 42, input: layout)
        #expect(aug.outputDims == [1, 3, 3] && aug.isReplayable)
        let ids = (0..<50).map { SampleID(dataset: "fashion", shard: $0 % 3, index: $0) }
        var distinct = Set<[UInt8]>()
        for id in ids {
            for v in 0..<3 {
                let a = image.withUnsafeBytes { aug.view($0, id: id, view: v) }
                let b = image.withUnsafeBytes { aug.view($0, id: id, view: v) }
                #expect(a.parameters == b.parameters)
                #expect(a.pixels.map(\.bitPattern) == b.pixels.map(\.bitPattern))
                let replay = image.withUnsafeBytes { aug.render($0, parameters: a.parameters) }
                #expect(replay.map(\.bitPattern) == a.pixels.map(\.bitPattern))
                distinct.insert(a.parameters.stableBytes)
                if case let .crop(x, y, w, h, _, _) = a.parameters.steps[0] {
                    #expect(x >= 0 && y >= 0 && x + w <= 4 && y + h <= 4 && w > 0 && h > 0)
                }
            }
        }
        #expect(distinct.count > 100)
    }

    @Test func viewsCycleAndFreshViewsAreNotReplayable() throws {
        let random: [AugmentOp] = [.padCrop(size: 4, pad: 1), .hflip(probability: 0.5)]
        let id = SampleID(dataset: "d", shard: 0, index: 3)
        let k = try Augmenter(ops: random, views: 4, seed: 1, input: layout)
        #expect((0..<9).map { k.viewIndex(of: id, epoch: $0) } == [0, 1, 2, 3, 0, 1, 2, 3, 0])
        let fresh = try Augmenter(ops: random, views: 0, seed: 1, input: layout)
        #expect(!fresh.isReplayable && fresh.viewIndex(of: id, epoch: 9) == 9)
        #expect(try Augmenter(ops: [.normalize(mean: [0], std: [1])], views: 0, seed: 1, input: layout).isReplayable)
        #expect(throws: DataError.self) {
            try Augmenter(ops: [.padCrop(size: 9, pad: 2)], views: 1, seed: 0, input: layout)
        }
        #expect(throws: DataError.self) {
            try Augmenter(ops: [.normalize(mean: [0, 0], std: [1, 1])], views: 1, seed: 0, input: layout)
        }
        #expect(throws: DataError.self) { try Augmenter(ops: [], views: -1, seed: 0, input: layout) }
    }

    @Test func aViewBankRecordsItsViewsFirstThenDrawsFreshOnesAtItsRate() throws {
        let random: [AugmentOp] = [.padCrop(size: 4, pad: 1), .hflip(probability: 0.5)]
        let bank = try Augmenter(ops: random, views: 2, fresh: 0.25, seed: 1, input: layout)
        let ids = (0..<4000).map { SampleID(dataset: "d", shard: 0, index: $0) }
        // The first K epochs record the K views; no fresh draw.
        for epoch in 0..<2 { #expect(ids.allSatisfy { bank.viewIndex(of: $0, epoch: epoch) == epoch }) }
        for epoch in 2..<6 {
            let views = ids.map { bank.viewIndex(of: $0, epoch: epoch) }
            let fresh = views.filter(bank.isFreshDraw)
            #expect(abs(Double(fresh.count) / Double(ids.count) - 0.25) < 0.03)
            #expect(fresh.allSatisfy { $0 == 2 + epoch })
            #expect(views.filter { !bank.isFreshDraw($0) }.allSatisfy { $0 == epoch % 2 })
        }
        // Which samples draw fresh changes with the epoch.
        let e2 = ids.filter { bank.isFreshDraw(bank.viewIndex(of: $0, epoch: 2)) }
        let e3 = ids.filter { bank.isFreshDraw(bank.viewIndex(of: $0, epoch: 3)) }
        #expect(Set(e2) != Set(e3))
        #expect(throws: DataError.self) { try Augmenter(ops: random, views: 0, fresh: 0.5, seed: 1, input: layout) }
        #expect(throws: DataError.self) { try Augmenter(ops: random, views: 2, fresh: 1.5, seed: 1, input: layout) }
    }

    @Test func stableBytesAreAFixedEncoding() {
        let p = ViewParameters(
            view: 2,
            steps: [
                .crop(x: -1, y: 0, width: 4, height: 4, outHeight: 4, outWidth: 4), .flip(true),
                .normalize(mean: [0.5], std: [2]), .cutout(x: 1, y: 1, width: 0, height: 0),
            ])
        var expected = Array("KDV1".utf8) + [2, 0, 0, 0, 0, 0, 0, 0] + [4, 0, 0, 0]
        expected +=
            [1] + [255, 255, 255, 255] + [0, 0, 0, 0] + [4, 0, 0, 0] + [4, 0, 0, 0] + [4, 0, 0, 0] + [4, 0, 0, 0]
        expected += [2, 1]
        expected += [3, 1, 0, 0, 0, 0, 0, 0, 0x3F, 1, 0, 0, 0, 0, 0, 0, 0x40]
        expected += [4, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(p.stableBytes == expected)
        #expect(
            SampleID(dataset: "ab", shard: 1, index: 258).stableBytes
                == [2, 0, 0, 0, 0x61, 0x62, 1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0])
    }

    @Test func loaderReplaysTheSameViewInAnyEpochAndOrder() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 17), name: "r", to: dir.file("r"), shardSize: 6)
        let ds = try ShardedDataset(directory: dir.file("r"))
        let aug = try Augmenter(
            ops: [
                .padCrop(size: 6, pad: 2), .hflip(probability: 0.5), .cutout(size: 3, probability: 0.5),
                .normalize(mean: [0.286], std: [0.353]),
            ], views: 2, seed: 5, input: ds.layout)
        let loader = try DataLoader(dataset: ds, batchSize: 4, seed: 11, augmenter: aug)
        func samples(_ epoch: Int) -> [SampleID: ([UInt32], ViewParameters)] {
            var out = [SampleID: ([UInt32], ViewParameters)]()
            for batch in loader.epoch(epoch) {
                for (n, id) in batch.ids.enumerated() {
                    out[id] = (batch.images.scalars[(n * 36)..<((n + 1) * 36)].map(\.bitPattern), batch.views[n])
                }
            }
            return out
        }
        let e0 = samples(0), e1 = samples(1), e2 = samples(2), e4 = samples(4)
        #expect(loader.order(epoch: 0) != loader.order(epoch: 2))
        for (id, value) in e0 {
            #expect(e2[id]!.0 == value.0 && e4[id]!.0 == value.0 && e2[id]!.1 == value.1)
            #expect(value.1.view == 0 && e1[id]!.1.view == 1)
            #expect(loader.replay(id, view: value.1)?.map(\.bitPattern) == value.0)
        }
        #expect(e0.contains { e1[$0.key]!.1 != $0.value.1 })
    }
}
