import Foundation
@testable import KDTensor
import Testing
@testable import KDData

@Suite struct ShardFormatTests {
    @Test func roundTripSplitsIntoShardsAndKeepsIds() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let table = Synthetic.table(count: 25)
        let manifest = try DatasetWriter.write(table, name: "toy", to: dir.file("toy"), shardSize: 10)
        #expect(manifest.shards.map(\.count) == [10, 10, 5])
        #expect(manifest.classCounts?.reduce(0, +) == 25)
        let ds = try ShardedDataset(directory: dir.file("toy"))
        #expect(ds.count == 25 && ds.isLabeled)
        for g in 0..<25 {
            let id = ds.id(at: g)
            #expect(id == SampleID(dataset: "toy", shard: g / 10, index: g % 10))
            #expect(ds.index(of: id) == g)
            #expect(ds.label(at: g) == table.labels![g])
            let pixels = ds.withPixels(at: g) { Array($0) }
            #expect(pixels == Array(table.pixels[(g * 36)..<((g + 1) * 36)]))
            try ds.shards[id.shard].verifyRecord(at: id.index)
        }
        #expect(ds.index(of: SampleID(dataset: "other", shard: 0, index: 0)) == nil)
    }

    @Test func headerLayout() throws {
        let table = Synthetic.table(count: 3)
        let bytes = Shard.encode(table, range: 0..<3, shardNumber: 7)
        #expect(Array(bytes[0..<8]) == Array("KDSHARD\0".utf8))
        #expect(bytes[8] == 1 && bytes[12] == 64)
        #expect(bytes[16] == 0 && bytes[17] == 1)
        #expect(bytes[20] == 1 && bytes[24] == 6 && bytes[28] == 6)
        #expect(bytes[32] == 3 && bytes[40] == 7 && bytes[44] == 40)
        #expect(bytes.count == 64 + 3 * 40 + 3 * 16 + 16)
        #expect(Array(bytes.suffix(8)) == Array("KDSHEND\0".utf8))
        let shard = try Shard(bytes: bytes, file: "s")
        #expect(shard.header.shardNumber == 7 && shard.count == 3)
    }

    @Test func unlabeledIsFirstClass() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 12, labeled: false), name: "u", to: dir.file("u"), shardSize: 5)
        let ds = try ShardedDataset(directory: dir.file("u"))
        #expect(!ds.isLabeled && ds.count == 12 && ds.manifest.classCounts == nil)
        #expect(ds.label(at: 3) == nil)
        #expect(ds.shards[0].header.recordSize == 36)
    }

    @Test func emptyDatasetHasOneEmptyShard() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 0), name: "e", to: dir.file("e"))
        let ds = try ShardedDataset(directory: dir.file("e"))
        #expect(ds.count == 0)
    }

    @Test func everyCorruptionOfAShardIsALocatedError() throws {
        let bytes = Shard.encode(Synthetic.table(count: 4), range: 0..<4, shardNumber: 0)
        var cases = Corruptions.truncations(bytes).map { (-1, $0) }
        // Flip every byte: each one must be caught (by a field check or a checksum).
        for p in 0..<bytes.count {
            var b = bytes
            b[p] ^= 0x01
            cases.append((p, b))
        }
        cases.append((-1, bytes + [0]))
        for (position, corrupt) in cases {
            do {
                _ = try Shard(bytes: corrupt, file: "bad.kds")
                Issue.record("corruption at \(position) (length \(corrupt.count)) accepted")
            } catch let error as DataError {
                #expect(error.file == "bad.kds")
                #expect(error.description.contains("offset"))
            }
        }
    }

    @Test func datasetChecksumsAgainstManifest() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 8), name: "c", to: dir.file("c"), shardSize: 4)
        let shard = dir.file("c").appendingPathComponent("shard-00001.kds")
        var bytes = [UInt8](try Data(contentsOf: shard))
        bytes[100] ^= 0xFF
        try Data(bytes).write(to: shard)
        #expect(throws: DataError.self) { try ShardedDataset(directory: dir.file("c")) }
        try FileManager.default.removeItem(at: dir.file("c").appendingPathComponent("manifest.json"))
        do {
            _ = try ShardedDataset(directory: dir.file("c"))
            Issue.record("opened a dataset without a manifest")
        } catch let e as DataError {
            #expect(e.description.contains("manifest"))
        }
    }

    @Test func refusesToOverwriteUnlessAsked() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 3), name: "o", to: dir.file("o"))
        #expect(throws: DataError.self) {
            try DatasetWriter.write(Synthetic.table(count: 4), name: "o", to: dir.file("o"))
        }
        try DatasetWriter.write(Synthetic.table(count: 4), name: "o", to: dir.file("o"), overwrite: true)
        #expect(try ShardedDataset(directory: dir.file("o")).count == 4)
        #expect(dir.contents() == ["o"])
    }

    @Test func atomicFileReplacesWithoutLeftovers() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try AtomicFile.write([1, 2, 3], to: dir.file("f"))
        try AtomicFile.write(Data([4, 5]), to: dir.file("f"))
        #expect(try Data(contentsOf: dir.file("f")) == Data([4, 5]))
        #expect(dir.contents() == ["f"])
        #expect(throws: AtomicFile.WriteError.self) { try AtomicFile.write([1], to: dir.file("missing/f")) }
    }
}

@Suite struct ManifestTests {
    @Test func corruptedManifestsAreRejectedOrHarmless() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        try DatasetWriter.write(Synthetic.table(count: 9), name: "m", to: dir.file("m"), shardSize: 4)
        let url = dir.file("m").appendingPathComponent(DatasetManifest.fileName)
        let good = [UInt8](try Data(contentsOf: url))
        for (i, (_, bad))
            in (Corruptions.truncations(good, limit: 40).map { (0, $0) } + Corruptions.flips(good, positions: 300))
            .enumerated()
        {
            try Data(bad).write(to: url)
            do {
                let ds = try ShardedDataset(directory: dir.file("m"))
                // Only changes that keep the manifest consistent (e.g. whitespace, class names) may open.
                #expect(ds.count == 9, "variant \(i)")
            } catch let e as DataError {
                #expect(e.file.hasPrefix(dir.url.path), "\(e)")
            }
        }
    }

    @Test func stagingLeftoversAreNotDatasets() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        // What an interrupted import leaves: a hidden staging directory with shards, no manifest
        // under the target name.
        try DatasetWriter.write(Synthetic.table(count: 4), name: "s", to: dir.file(".s.123.abc.tmp"))
        try FileManager.default.removeItem(
            at: dir.file(".s.123.abc.tmp").appendingPathComponent(DatasetManifest.fileName))
        #expect(throws: DataError.self) { try ShardedDataset(directory: dir.file("s")) }
        #expect(throws: DataError.self) { try ShardedDataset(directory: dir.file(".s.123.abc.tmp")) }
    }
}
