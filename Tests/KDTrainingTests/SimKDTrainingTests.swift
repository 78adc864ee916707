import Foundation
import KDPipeline
import KDTensor
import KDTraining
import Testing

/// SimKD's deployable model: `outputs.compose` validated with located errors, evaluated every epoch,
/// written as best.safetensors, and read back by `kdflow eval` and `kdflow export`.
@Suite(.serialized) struct SimKDTrainingTests {
    /// A cnn student projected onto a (randomly initialised) frozen cnn teacher's feature, on a 5 %
    /// part of the test split: 10 steps an epoch.
    static func pipeline(dir: URL) -> String {
        """
        kdflow: 1
        name: simkd
        seed: 5
        epochs: 1
        data:
          train: {shards: \(dir.appendingPathComponent("part").path), import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: test, labeled_fraction: 0.05}}
          eval: {shards: \(dir.appendingPathComponent("part").path)}
          batch: 50
          drop_last: true
        models:
          teacher: {arch: cnn, in_channels: 1, classes: 10, frozen: true}
          student: {arch: cnn, in_channels: 1, classes: 10}
        stages:
          augment: {from: data.train, ops: [{normalize: {mean: [0.286], std: [0.353]}}], views: 1}
          teacher: {forward: teacher, from: augment, taps: [features]}
          student: {forward: student, from: augment, taps: [features]}
          simkd: {connector: simkd, from: student.features, to: teacher.features}
        loss:
          simkd: {kind: distance, mode: l2, student: simkd.out, teacher: simkd.target}
        optimisers:
          student: {kind: sgd, lr: 0.05, momentum: 0.9, params: [student, simkd]}
        outputs: {dir: \(dir.appendingPathComponent("run").path), compose: {deployed: simkd}, export: deployed}
        """
    }

    /// The same file over two epochs with mid-epoch checkpoints, as the kill-and-resume harness runs it.
    static func resumable(_ name: String, dir: URL) -> String {
        pipeline(dir: dir).replacingOccurrences(of: "epochs: 1", with: "epochs: 2")
            .replacingOccurrences(of: "name: simkd", with: "name: \(name)")
            .replacingOccurrences(
                of: "dir: \(dir.appendingPathComponent("run").path),",
                with: "dir: \(dir.appendingPathComponent(name).path), checkpoint_every: 3,")
    }

    /// Killed in its second epoch and resumed, the projector's weights and BN buffers end as a
    /// straight run's.
    @Test func resumesBitIdenticallyAfterAKill() throws {
        try KillAndResumeTests.killAndResume("kill-simkd", pipeline: Self.resumable)
    }

    static func diagnostics(_ overrides: [String]) -> [String] {
        let yaml = pipeline(dir: FileManager.default.temporaryDirectory.appendingPathComponent("simkd-unused"))
        do {
            _ = try PipelinePlanner.loader.load(yaml: yaml, file: "simkd.yaml", overrides: overrides)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func compositionMistakesAreLocated() {
        #expect(Self.diagnostics([]).isEmpty, "\(Self.diagnostics([]))")
        let cases: [([String], String)] = [
            (
                ["outputs.compose.deployed=simk"],
                "error: outputs.compose.deployed: composes 'simk': no such connector stage; did you mean 'simkd'?"
            ),
            (
                ["outputs.compose={student: simkd}"],
                "error: outputs.compose.student: composition 'student' has a model's name"
            ),
            (
                ["outputs.export=deploy"],
                "error: outputs.export: exports 'deploy': no such model or composition; did you mean 'deployed'?"
            ),
            (
                [
                    "stages.student.taps=[features, features.preact]", "loss.simkd.teacher=teacher.features",
                    "stages.simkd={connector: conv1x1_bn, from: student.features.preact, to: teacher.features}",
                ],
                "error: outputs.compose.deployed: composition 'deployed': `from:` reads student's 'features.preact', but its classifier pools 'features'"
            ),
            (
                ["models.teacher.frozen=false"],
                "error: outputs.compose.deployed: composition 'deployed': `to:` reads model 'teacher', which must be frozen (the teacher)"
            ),
        ]
        for (overrides, expected) in cases {
            let found = Self.diagnostics(overrides)
            #expect(found.contains { $0.contains(expected) }, "\(overrides):\n\(found.joined(separator: "\n"))")
        }
    }

    /// The run evaluates and saves the composition; `kdflow eval` of its best.safetensors gives the
    /// top-1 the run logged, and `kdflow export` writes it whole, as safetensors and as ONNX.
    @Test func deployedModelRoundTrips() throws {
        let dir = runDirectory("simkd")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("simkd.yaml")
        try Self.pipeline(dir: dir).write(to: file, atomically: true, encoding: .utf8)
        let run = try runKdflow(["run", file.path, "--executor", "inline"])
        #expect(run.status == 0, "\(run.output)")
        let runDir = dir.appendingPathComponent("run")
        let metrics = try String(contentsOf: runDir.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        let epoch = try #require(metrics.split(separator: "\n").last { $0.contains("\"kind\":\"epoch\"") })
        let record = try #require(JSONSerialization.jsonObject(with: Data(epoch.utf8)) as? [String: Any])
        let eval = try #require((record["eval"] as? [String: Any])?["deployed"] as? [String: Any])
        let top1 = try #require(eval["top1"] as? Double)

        let best = try Safetensors(contentsOf: runDir.appendingPathComponent("best.safetensors"))
        #expect(best.entries["projector.transfer.0.weight"] != nil && best.entries["classifier.weight"] != nil)
        #expect(best.entries["student.fc1.weight"] != nil && best.entries["student.fc2.weight"] == nil)

        let evaluated = try runKdflow(["eval", file.path])
        #expect(evaluated.status == 0)
        #expect(
            evaluated.output.contains(String(format: "deployed (best.safetensors): top-1 %.2f%%", 100 * top1)),
            "\(evaluated.output)")

        let exported = runDir.appendingPathComponent("deployed-last.safetensors")
        for (format, out) in [("safetensors", exported.path), ("onnx", runDir.appendingPathComponent("d.onnx").path)] {
            let export = try runKdflow(["export", file.path, "--format", format, "--from", "last", "--out", out])
            #expect(export.status == 0, "\(export.output)")
        }
        // The last checkpoint is the one epoch's, which was also the best.
        let last = try Safetensors(contentsOf: exported)
        #expect(last.entries.keys.sorted() == best.entries.keys.sorted())
        for (name, entry) in best.entries { #expect(last.entries[name]?.bytes == entry.bytes, "\(name)") }
    }
}
