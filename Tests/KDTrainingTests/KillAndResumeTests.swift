import Foundation
import KDTensor
import Testing

/// `kdflow run` killed with SIGKILL mid-epoch, then `--resume`d, ends with the same weights as a
/// run that was never interrupted.
@Suite(.serialized) struct KillAndResumeTests {
    static func pipeline(_ name: String, dir: URL) throws -> URL {
        let yaml = """
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
        let file = dir.appendingPathComponent("\(name).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func sigkillMidEpochThenResumeIsBitIdentical() throws {
        let dir = runDirectory("kill")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let straight = try launchKdflow(["run", try Self.pipeline("straight", dir: dir).path])
        straight.waitUntilExit()
        #expect(straight.terminationStatus == 0)

        let killedFile = try Self.pipeline("killed", dir: dir)
        let killed = try launchKdflow(["run", killedFile.path])
        let pointer = dir.appendingPathComponent("killed/checkpoints/last.json")
        // Wait for a checkpoint in the second epoch (100 steps per epoch), then kill without warning.
        let deadline = Date().addingTimeInterval(120)
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

        let a = try Safetensors(contentsOf: dir.appendingPathComponent("straight/student.safetensors"))
        let b = try Safetensors(contentsOf: dir.appendingPathComponent("killed/student.safetensors"))
        #expect(a.entries.keys.sorted() == b.entries.keys.sorted())
        for name in a.entries.keys {
            #expect(a.entries[name]!.bytes == b.entries[name]?.bytes, "\(name) differs after kill and resume")
        }
    }
}
