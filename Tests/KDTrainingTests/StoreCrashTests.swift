import Foundation
import Testing

/// The teacher store through the real binary: `cache fill` killed with SIGKILL leaves a store that
/// `cache verify` accepts and a run uses (stored samples hit, the rest are recomputed); flipped
/// bytes in a segment are reported by `verify`, never served, recomputed by a run and dropped by
/// `prune`.
@Suite(.serialized) struct StoreCrashTests {
    /// A KD pipeline whose teacher (`cnn`: slow enough to kill mid-fill, or a quick `mlp` 1200-1200) is stored.
    static func pipeline(_ dir: URL, teacher: String) throws -> URL {
        let yaml = """
            kdflow: 1
            name: store-crash
            seed: 3
            epochs: 1
            data:
              train: {shards: \(fashionTest.path)}
              batch: 100
              drop_last: true
            models:
              teacher: {arch: \(teacher), in_channels: 1, classes: 10, frozen: true}
              student: {arch: mlp, in_channels: 1, classes: 10, hidden: [64]}
            stages:
              augment: {from: data.train, ops: [{pad_crop: {size: 28, pad: 2}}, {hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 2}
              teacher: {forward: teacher, from: augment, store: {dir: \(dir.appendingPathComponent("store").path), precision: fp16}}
              student: {forward: student, from: augment}
            loss:
              ce: {kind: cross_entropy, input: student.logits, target: augment.labels, weight: 0.1}
              kd: {kind: kd, student: student.logits, teacher: teacher.logits, temperature: 4, weight: 0.9}
            optimisers:
              student: {kind: sgd, lr: 0.05, momentum: 0.9, params: [student]}
            outputs: {dir: \(dir.appendingPathComponent("run").path)}
            """
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("store-crash.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func segmentBytes(_ dir: URL) -> Int {
        let store = dir.appendingPathComponent("store")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: store.path)) ?? []
        return names.filter { $0.hasSuffix(".kdcs") }.reduce(0) { total, name in
            total
                + ((try? FileManager.default.attributesOfItem(atPath: store.appendingPathComponent(name).path)[.size]
                    as? Int) ?? 0)
        }
    }

    /// The teacher store counters of the run's first epoch.
    static func storeCounters(_ dir: URL, run: String = "run") throws -> [String: Any] {
        let lines = try String(contentsOf: dir.appendingPathComponent("\(run)/metrics.jsonl"), encoding: .utf8).split(
            separator: "\n")
        let epoch = try lines.compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["kind"] as? String == "epoch" }
        return try #require((epoch?["store"] as? [String: Any])?["teacher"] as? [String: Any])
    }

    @Test func killDuringFillThenVerifyAndRun() throws {
        let dir = runDirectory("fill-kill")
        let file = try Self.pipeline(dir, teacher: "cnn")
        let fill = try launchKdflow(["cache", "fill", file.path])
        // Kill once a few records are on disk (the whole fill writes about 450 KB).
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, fill.isRunning, Self.segmentBytes(dir) < 40_000 { usleep(1_000) }
        kill(fill.processIdentifier, SIGKILL)
        fill.waitUntilExit()
        #expect(fill.terminationReason == .uncaughtSignal, "the fill finished before it could be killed")

        let verify = try runKdflow(["cache", "verify", file.path])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("; 0 damaged;"))

        let run = try runKdflow(["run", file.path])
        #expect(run.status == 0)
        let counters = try Self.storeCounters(dir)
        let hits = try #require(counters["hits"] as? Int), lookups = try #require(counters["lookups"] as? Int)
        #expect(hits > 0 && hits < lookups, "samples stored before the kill hit, the rest are recomputed")
        #expect(counters["corrupt"] as? Int == 0)

        // A fill after the run completes the store: a second run hits every sample of both views.
        #expect(try runKdflow(["cache", "fill", file.path]).status == 0)
        #expect(
            try runKdflow(["run", file.path, "epochs=2", "outputs.dir=\(dir.appendingPathComponent("warm").path)"])
                .status == 0)
        #expect(try Self.storeCounters(dir, run: "warm")["hit_rate"] as? Double == 1)
        #expect(try runKdflow(["cache", "verify", file.path]).status == 0)
    }

    @Test func flippedSegmentBytesAreReportedRecomputedAndPruned() throws {
        let dir = runDirectory("fill-flip")
        let file = try Self.pipeline(dir, teacher: "mlp")
        #expect(try runKdflow(["cache", "fill", file.path]).status == 0)
        let store = dir.appendingPathComponent("store")
        let segment = try #require(
            try FileManager.default.contentsOfDirectory(atPath: store.path).first { $0.hasSuffix(".kdcs") })
        let url = store.appendingPathComponent(segment)
        var bytes = try Data(contentsOf: url)
        // A quarter in: a record of view 0, which the one-epoch run reads.
        bytes[bytes.count / 4] ^= 0x5A
        try bytes.write(to: url)

        let verify = try runKdflow(["cache", "verify", file.path])
        #expect(verify.status == 1)
        #expect(verify.output.contains("damaged: \(segment) @"))

        #expect(try runKdflow(["run", file.path]).status == 0)
        let counters = try Self.storeCounters(dir)
        #expect(counters["corrupt"] as? Int == 1)
        #expect((counters["hits"] as? Int ?? 0) < (counters["lookups"] as? Int ?? 0))

        #expect(try runKdflow(["cache", "prune", file.path]).status == 0)
        #expect(try runKdflow(["cache", "verify", file.path]).status == 0)
    }
}
