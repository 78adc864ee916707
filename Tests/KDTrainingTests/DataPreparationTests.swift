import Foundation
import KDData
import KDPipeline
import KDTraining
import Testing

/// A pipeline's `import:` with `hold_out_per_class` writes the two complementary parts of one
/// seeded split: a tuning file trains on the rest and evaluates on the held-out samples.
@Suite struct DataPreparationTests {
    static func yaml(_ dir: URL, evalPart: String = "held_out") -> String {
        """
        kdflow: 1
        name: held-out
        epochs: 1
        data:
          train: {shards: \(dir.path)/rest, import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: test, hold_out_per_class: 100}}
          eval: {shards: \(dir.path)/held, import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: test, hold_out_per_class: 100, part: \(evalPart)}}
          batch: 100
        models:
          student: {arch: cnn, in_channels: 1, classes: 10, width: 0.25}
        stages:
          augment: {from: data.train, ops: []}
          student: {forward: student, from: augment}
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
        optimisers:
          student: {kind: sgd, lr: 0.05, params: [student]}
        """
    }

    @Test func heldOutPartsAreComplementary() throws {
        _ = fashionTest  // the dataset is installed
        let dir = runDirectory("held-out")
        let loaded = try PipelinePlanner.loader.load(yaml: Self.yaml(dir), file: "held-out.yaml")
        try PipelinePlanner.prepareData(loaded.spec) { _ in }
        let rest = try DatasetManifest.read(from: dir.appendingPathComponent("rest"))
        let held = try DatasetManifest.read(from: dir.appendingPathComponent("held"))
        #expect(rest.sampleCount == 9_000 && held.sampleCount == 1_000)
        #expect(held.labeled && rest.labeled)
        let restSamples = try ShardedDataset(directory: dir.appendingPathComponent("rest"))
        let heldSamples = try ShardedDataset(directory: dir.appendingPathComponent("held"))
        let all = try ShardedDataset(directory: fashionTest)
        // Together the parts hold every test image once: compare the multisets of (label, pixel hash).
        func keys(_ d: ShardedDataset) -> [String] {
            (0..<d.count).map { i in
                d.withPixels(at: i) { "\(d.label(at: i) ?? -1):\($0.reduce(into: 0) { $0 = $0 &* 31 &+ Int($1) })" }
            }
        }
        #expect((keys(restSamples) + keys(heldSamples)).sorted() == keys(all).sorted())
    }

    @Test func aPartNeedsItsSplit() throws {
        let dir = runDirectory("held-out-bad")
        #expect(throws: PipelineDiagnostics.self) {
            try PipelinePlanner.loader.load(yaml: Self.yaml(dir, evalPart: "unlabeled"), file: "bad.yaml")
        }
    }
}
