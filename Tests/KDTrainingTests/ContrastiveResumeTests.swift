import Foundation
import KDTensor
import KDTraining
import Testing

/// A crd run killed with SIGKILL mid-epoch and `--resume`d ends with every tensor of its last
/// checkpoint — the student, crd's embedding heads, both memory banks and the normalisers — and
/// its export identical to a run never interrupted.
@Suite(.serialized) struct ContrastiveResumeTests {
    static func pipeline(_ name: String, dir: URL) -> String {
        """
        kdflow: 1
        name: \(name)
        seed: 3
        epochs: 2
        data:
          train: {shards: \(fashionTest.path)}
          batch: 100
          drop_last: true
        models:
          teacher: {arch: mlp, in_channels: 1, classes: 10, hidden: [32], frozen: true}
          student: {arch: mlp, in_channels: 1, classes: 10, hidden: [48]}
        stages:
          augment: {from: data.train, ops: [{hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 2}
          teacher: {forward: teacher, from: augment, taps: [features]}
          student: {forward: student, from: augment, taps: [logits, features]}
          crd: {connector: crd, from: student.features, to: teacher.features, negatives: 256, feat_dim: 16}
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
          crd: {kind: crd, student: crd.student_scores, teacher: crd.teacher_scores, noise: crd.noise, weight: 0.8}
        optimisers:
          student: {kind: sgd, lr: 0.05, momentum: 0.9, params: [student, crd]}
        outputs: {dir: \(dir.appendingPathComponent(name).path), checkpoint_every: 5}
        """
    }

    @Test func sigkillMidEpochThenResumeKeepsTheBanks() throws {
        let dir = try KillAndResumeTests.killAndResume("crd-kill", pipeline: Self.pipeline)
        let state = try Safetensors(
            contentsOf: try RunCheckpoints.lastWeights(run: dir.appendingPathComponent("straight")))
        for name in [
            "crd.contrast.memory_v1", "crd.contrast.memory_v2", "crd.contrast.params", "crd.embed_s.linear.weight",
        ] {
            #expect(state.entries[name] != nil, "the checkpoint lacks \(name)")
        }
        #expect(try state.tensor("crd.contrast.params").scalars[2] > 0, "the normaliser was never fixed")
        try KillAndResumeTests.expectIdentical(
            dir.appendingPathComponent("straight/student.safetensors"),
            dir.appendingPathComponent("killed/student.safetensors"))
    }

    /// Data-parallel ranks would each move only their rows of the banks: refused before training.
    @Test func dataParallelRanksAreRefused() throws {
        let dir = runDirectory("crd-ranks")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("ranks.yaml")
        try Self.pipeline("ranks", dir: dir).write(to: file, atomically: true, encoding: .utf8)
        let loaded = try PipelinePlanner.load(file: file.path)
        let plan = try PipelinePlanner.plan(loaded)
        #expect(throws: TrainingError.self) { try Trainer(plan: plan, collective: MirroredRanks(), log: { _ in }) }
        _ = try Trainer(plan: plan, log: { _ in })
    }
}
