import Foundation
import Testing
@testable import KDData

@Suite struct DatasetImportTests {
    func idxSource(_ dir: TempDir, count: Int = 40) throws -> ImportSource {
        .idx(
            images: try dir.write(Synthetic.idxImages(count: count, height: 4, width: 4), "i"),
            labels: try dir.write(Synthetic.idxLabels(Synthetic.labels(count: count, classes: 4)), "l"))
    }

    @Test func holdOutPerClass() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let options = ImportOptions(shardSize: 7, split: .holdOutPerClass(2), splitDirectory: dir.file("val"), seed: 3)
        let m = try DatasetImport.run(try idxSource(dir), name: "toy", to: dir.file("train"), options: options)
        #expect(m.map(\.name) == ["toy", "toy-heldout"])
        #expect(m[0].classCounts == [8, 8, 8, 8] && m[1].classCounts == [2, 2, 2, 2])
        #expect(m[0].shards.map(\.count) == [7, 7, 7, 7, 4])
        let again = try DatasetImport.split(try idxSource(dir).load(), options: options, file: "x")
        let train = try ShardedDataset(directory: dir.file("train"))
        #expect((0..<train.count).map { train.label(at: $0) } == again.first.labels!)
    }

    @Test func labeledFractionLeavesTheRestUnlabeled() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let options = ImportOptions(split: .labeledFraction(0.25), splitDirectory: dir.file("rest"), seed: 1)
        let m = try DatasetImport.run(try idxSource(dir), name: "ssl", to: dir.file("labeled"), options: options)
        #expect(m[0].labeled && m[0].sampleCount == 12 && m[0].classCounts == [3, 3, 3, 3])
        #expect(!m[1].labeled && m[1].sampleCount == 28 && m[1].name == "ssl-unlabeled")
        #expect(try !ShardedDataset(directory: dir.file("rest")).isLabeled)
    }

    @Test func unlabeledFlagDropsLabels() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let m = try DatasetImport.run(
            try idxSource(dir), name: "u", to: dir.file("out"), options: ImportOptions(unlabeled: true))
        #expect(!m[0].labeled && m[0].classCounts == nil && m[0].sampleCount == 40)
        #expect(m[0].sources.map(\.name) == ["i", "l"])
    }

    @Test func badInputLeavesNothingBehind() throws {
        let dir = try TempDir()
        defer { dir.cleanup() }
        let images = try dir.write(Synthetic.idxImages(count: 5, height: 2, width: 2), "i")
        let labels = try dir.write(Synthetic.idxLabels([0, 1, 2]), "l")
        let before = dir.contents()
        #expect(throws: DataError.self) {
            try DatasetImport.run(.idx(images: images, labels: labels), name: "x", to: dir.file("out"))
        }
        #expect(dir.contents() == before)
        // A split that cannot be satisfied fails before writing either part.
        #expect(throws: DataError.self) {
            try DatasetImport.run(
                try idxSource(dir), name: "x", to: dir.file("out"),
                options: ImportOptions(split: .holdOutPerClass(11), splitDirectory: dir.file("val")))
        }
        #expect(dir.contents() == before)
        // An existing second target is refused before the first part is written.
        try FileManager.default.createDirectory(at: dir.file("taken"), withIntermediateDirectories: false)
        #expect(throws: DataError.self) {
            try DatasetImport.run(
                try idxSource(dir), name: "x", to: dir.file("out"),
                options: ImportOptions(split: .holdOutPerClass(1), splitDirectory: dir.file("taken")))
        }
        #expect(!FileManager.default.fileExists(atPath: dir.file("out").path))
    }
}
