import Foundation
import KDTensor
import KDTraining
import Testing

/// `kdflow run` killed with SIGKILL mid-epoch, then `--resume`d, ends with the same state — every
/// model's and connector's weights and buffers — as a run that was never interrupted.
@Suite(.serialized) struct KillAndResumeTests {
    /// An MLP on the test split with a cross-entropy loss: 100 steps an epoch.
    static func mlp(_ name: String, dir: URL) -> String {
        """
        kdflow: 1
        name: \(name)
        seed: 5
        epochs: 2
        data:
          train: {shards: \(fashionTest.path)}
          batch: 100
          drop_last: true
        models:
          student: {arch: mlp, in_channels: 1, classes: 10, hidden: [128]}
        stages:
          augment: {from: data.train, ops: [{pad_crop: {size: 28, pad: 2}}, {hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 3}
          student: {forward: student, from: augment}
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
        optimisers:
          student: {kind: sgd, lr: 0.05, momentum: 0.9, params: [student], schedule: {cosine: {warmup_epochs: 0.5}}}
        outputs: {dir: \(dir.appendingPathComponent(name).path), checkpoint_every: 5}
        """
    }

    /// The connector methods in one file — AB's, FT's and FSP's first phase (connectors trained
    /// alone, the paraphraser by its own optimiser), then VID, FT and two ReviewKD levels with the labels —
    /// on a 5 % part of the test split: 10 steps an epoch, killed in the second phase.
    static func connectors(_ name: String, dir: URL) -> String {
        """
        kdflow: 1
        name: \(name)
        seed: 5
        epochs: 2
        data:
          train: {shards: \(dir.appendingPathComponent("part").path), import: {kind: idx, path: /usr/share/datasets/fashion-mnist, split: test, labeled_fraction: 0.05}}
          batch: 50
          drop_last: true
        models:
          teacher: {arch: cnn, in_channels: 1, classes: 10, frozen: true}
          student: {arch: cnn, in_channels: 1, classes: 10}
        stages:
          augment: {from: data.train, ops: [{hflip: 0.5}], views: 2}
          teacher: {forward: teacher, from: augment, taps: [logits, conv1, conv2, conv2.preact]}
          student: {forward: student, from: augment, taps: [logits, conv1, conv2, conv2.preact]}
          ab: {connector: conv1x1_bn, from: student.conv2.preact, to: teacher.conv2.preact}
          vid: {connector: vid, from: student.conv1, to: teacher.conv1}
          paraphraser: {connector: paraphraser, from: teacher.conv2, rate: 0.25}
          translator: {connector: translator, from: student.conv2, to: paraphraser.out}
          abf2: {connector: abf, from: student.conv2, to: teacher.conv2, mid_channels: 8}
          abf1: {connector: abf, from: student.conv1, to: teacher.conv1, residual: abf2.residual, mid_channels: 8}
        loss:
          ab: {kind: ab, student: ab.out, teacher: teacher.conv2.preact}
          fsp: {kind: fsp, student: student.conv1, student_top: student.conv2, teacher: teacher.conv1, teacher_top: teacher.conv2}
          rebuild: {kind: distance, mode: l2, student: paraphraser.reconstruction, teacher: teacher.conv2}
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
          vid: {kind: vid, student: vid.out, teacher: teacher.conv1, variance: vid.variance}
          ft: {kind: ft, student: translator.out, teacher: paraphraser.out}
          hcl2: {kind: hcl, student: abf2.out, teacher: teacher.conv2}
          hcl1: {kind: hcl, student: abf1.out, teacher: teacher.conv1}
        phases:
          - {name: init, epochs: 1, loss: [ab, rebuild, fsp]}
          - {name: main, epochs: 1, loss: [ce, vid, ft, hcl2, hcl1], optimisers: [student]}
        optimisers:
          paraphraser: {kind: sgd, lr: 0.01, params: [paraphraser]}
          student: {kind: sgd, lr: 0.01, momentum: 0.9, params: [student, ab, vid, translator, abf2, abf1]}
        outputs: {dir: \(dir.appendingPathComponent(name).path), checkpoint_every: 3}
        """
    }

    @Test func sigkillMidEpochThenResumeIsBitIdentical() throws {
        try Self.killAndResume("kill", pipeline: Self.mlp)
    }

    @Test func connectorMethodsResumeBitIdentically() throws {
        try Self.killAndResume("kill-connectors", pipeline: Self.connectors)
    }

    /// Trains `pipeline` straight, and again killed once a mid-epoch checkpoint of its second epoch
    /// exists and then resumed; the two runs' final checkpoints must hold the same bytes. Returns
    /// the directory holding both runs (`straight/`, `killed/`).
    @discardableResult
    static func killAndResume(_ name: String, pipeline: (String, URL) -> String) throws -> URL {
        let dir = runDirectory(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func file(_ run: String) throws -> URL {
            let url = dir.appendingPathComponent("\(run).yaml")
            try pipeline(run, dir).write(to: url, atomically: true, encoding: .utf8)
            return url
        }
        let straight = try launchKdflow(["run", try file("straight").path])
        straight.waitUntilExit()
        #expect(straight.terminationStatus == 0)

        let killedFile = try file("killed")
        let killed = try launchKdflow(["run", killedFile.path])
        let pointer = dir.appendingPathComponent("killed/checkpoints/last.json")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline {
            if let data = try? Data(contentsOf: pointer), let text = String(data: data, encoding: .utf8),
                text.contains("\"epoch\" : 1"), !text.contains("\"batchInEpoch\" : 0,")
            {
                break
            }
            usleep(2_000)
        }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        #expect(killed.terminationReason == .uncaughtSignal, "the run finished before it could be killed")

        let resumed = try launchKdflow(["run", killedFile.path, "--resume"])
        resumed.waitUntilExit()
        #expect(resumed.terminationStatus == 0)

        try expectIdentical(
            RunCheckpoints.lastWeights(run: dir.appendingPathComponent("straight")),
            RunCheckpoints.lastWeights(run: dir.appendingPathComponent("killed")))
        return dir
    }

    /// Every tensor of two safetensors files, byte for byte.
    static func expectIdentical(_ a: URL, _ b: URL) throws {
        let (x, y) = (try Safetensors(contentsOf: a), try Safetensors(contentsOf: b))
        #expect(x.entries.keys.sorted() == y.entries.keys.sorted())
        for name in x.entries.keys.sorted() {
            #expect(x.entries[name]!.bytes == y.entries[name]?.bytes, "\(a.lastPathComponent): \(name) differs")
        }
    }
}
