import Foundation
import Testing
@testable import KDData

@Suite(.enabled(if: FashionMNIST.isInstalled(), "dataset-fashion-mnist is not installed (scripts/install-deps)"))
struct FashionMNISTTests {
    @Test func importGivesTheKnownCountsAndStatistics() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let train = try DatasetImport.run(
            FashionMNIST.source(train: true), name: "fashion-mnist-train", to: dir.file("train"),
            options: ImportOptions(shardSize: 16_384, classes: FashionMNIST.classes))
        let test = try DatasetImport.run(
            FashionMNIST.source(train: false), name: "fashion-mnist-test", to: dir.file("test"))
        #expect(train[0].sampleCount == 60_000 && test[0].sampleCount == 10_000)
        #expect(train[0].classCounts == Array(repeating: 6_000, count: 10))
        #expect(test[0].classCounts == Array(repeating: 1_000, count: 10))
        #expect(train[0].layout == SampleLayout(pixelType: .uint8, channels: 1, height: 28, width: 28))
        #expect(train[0].shards.map(\.count) == [16_384, 16_384, 16_384, 10_848])

        // Opening verifies every shard's checksum against itself and the manifest.
        let ds = try ShardedDataset(directory: dir.file("train"))
        let stats = PixelStatistics(ds)
        #expect(abs(stats.mean - Double(FashionMNIST.mean)) < 0.0005, "mean \(stats.mean)")
        #expect(abs(stats.std - Double(FashionMNIST.std)) < 0.0005, "std \(stats.std)")
        #expect(train[0].classes[9] == "Ankle boot")
        print("fashion-mnist train: mean \(stats.mean) std \(stats.std)")
    }
}

/// Mean and standard deviation of all pixels as [0, 1] values, from a byte histogram (one
/// cheap pass, exact sums).
struct PixelStatistics {
    var mean: Double
    var std: Double

    init(_ ds: ShardedDataset) {
        var histogram = [Int](repeating: 0, count: 256)
        for shard in ds.shards {
            for r in 0..<shard.count {
                shard.withPixels(at: r) { raw in
                    for byte in raw { histogram[Int(byte)] += 1 }
                }
            }
        }
        let n = Double(histogram.reduce(0, +))
        var sum = 0.0, squares = 0.0
        for (v, c) in histogram.enumerated() {
            let x = Double(v) / 255
            sum += x * Double(c)
            squares += x * x * Double(c)
        }
        mean = sum / n
        std = (squares / n - mean * mean).squareRoot()
    }
}
