import Foundation
import Testing

/// `mpirun` on PATH when this build links MPI (KDFLOW_MPI=1, as `scripts/test` builds when
/// libopenmpi-dev is installed); nil otherwise, and the suite is skipped.
let mpirun: URL? = {
    #if KDFLOW_MPI
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("mpirun") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    #else
        return nil
    #endif
}()

/// Data-parallel training and store filling over Open MPI, through the real binary.
@Suite(
    .serialized,
    .enabled(
        if: mpirun != nil,
        "needs mpirun and a kdflow built with KDFLOW_MPI=1 (scripts/test builds one when libopenmpi-dev is installed)"))
struct DataParallelTests {
    /// Hinton KD of an MLP from a (random, frozen) MLP teacher, global batch 100, evaluated every epoch.
    static func pipeline(_ dir: URL) throws -> URL {
        let yaml = """
            kdflow: 1
            name: data-parallel
            seed: 9
            epochs: 2
            data:
              train: {shards: \(fashionTest.path)}
              eval: {shards: \(fashionTest.path)}
              batch: 100
              drop_last: true
            models:
              teacher: {arch: mlp, in_channels: 1, classes: 10, hidden: [128], frozen: true}
              student: {arch: mlp, in_channels: 1, classes: 10, hidden: [64]}
            stages:
              augment: {from: data.train, ops: [{pad_crop: {size: 28, pad: 2}}, {hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 2}
              teacher: {forward: teacher, from: augment}
              student: {forward: student, from: augment}
            loss:
              ce: {kind: cross_entropy, input: student.logits, target: augment.labels, weight: 0.5}
              kd: {kind: kd, student: student.logits, teacher: teacher.logits, temperature: 4, weight: 0.5}
            optimisers:
              student: {kind: sgd, lr: 0.05, momentum: 0.9, nesterov: true, params: [student], schedule: {cosine: {warmup_epochs: 0.2}}}
            """
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("data-parallel.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The records of a run's metrics.jsonl of one kind.
    static func records(_ run: URL, kind: String) throws -> [[String: Any]] {
        try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == kind }
    }

    @Test func twoRanksFollowTheSingleProcessLossCurve() throws {
        let dir = runDirectory("data-parallel")
        let file = try Self.pipeline(dir)
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        let single = try runKdflow(["run", file.path, "outputs.dir=\(one.path)"])
        #expect(single.status == 0, "\(single.output)")
        let parallel = try runKdflow(
            ["run", file.path, "outputs.dir=\(two.path)", "--weight-check-every", "10"], ranks: 2)
        #expect(parallel.status == 0, "\(parallel.output)")
        #expect(parallel.output.contains("on 2 ranks"))

        let a = try Self.records(one, kind: "step").map { $0["loss"] as! Double }
        let b = try Self.records(two, kind: "step").map { $0["loss"] as! Double }
        try #require(a.count == 200 && b.count == 200, "one line per global step, written by rank 0 alone")
        for i in 0..<20 {
            #expect(abs(a[i] - b[i]) <= 1e-5 * max(1, abs(a[i])), "step \(i + 1): 1 process \(a[i]), 2 ranks \(b[i])")
        }
        for i in 20..<200 { #expect(abs(a[i] - b[i]) <= 1e-2, "step \(i + 1): 1 process \(a[i]), 2 ranks \(b[i])") }

        let top1 = { (run: URL) throws -> Double in
            let eval = try #require(Self.records(run, kind: "epoch").last?["eval"] as? [String: Any])
            return try #require((eval["student"] as? [String: Any])?["top1"] as? Double)
        }
        #expect(abs(try top1(one) - top1(two)) < 0.01, "final top-1 of 1 process and 2 ranks")
        #expect(try Self.records(two, kind: "epoch").last?["ranks"] as? Int == 2)
    }

    @Test func twoRankFillIsVerifiedAndServesEverySample() throws {
        let dir = runDirectory("fill-mpi")
        let file = try StoreCrashTests.pipeline(dir, teacher: "mlp")
        let fill = try runKdflow(["cache", "fill", file.path], ranks: 2)
        #expect(fill.status == 0, "\(fill.output)")
        #expect(fill.output.contains("10000 samples × 2 views; 0 already stored, 20000 written"), "\(fill.output)")
        let segments = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("store").path)
            .filter { $0.hasSuffix(".kdcs") }
        #expect(segments.count == 2, "one segment per rank: \(segments)")

        let verify = try runKdflow(["cache", "verify", file.path])
        #expect(verify.status == 0 && verify.output.contains("; 0 damaged;"), "\(verify.output)")
        #expect(try runKdflow(["run", file.path]).status == 0)
        #expect(try StoreCrashTests.storeCounters(dir)["hit_rate"] as? Double == 1)
    }

    @Test func aRankErrorStopsEveryRankWithItsMessage() throws {
        let dir = runDirectory("data-parallel-error")
        let file = try Self.pipeline(dir)
        let run = try runKdflow(
            ["run", file.path, "data.batch=1", "outputs.dir=\(dir.appendingPathComponent("run").path)"], ranks: 2)
        #expect(run.status != 0)
        #expect(
            run.output.contains(
                "error: data.batch 1 is the global batch: it must hold at least one sample per rank (2 ranks)"),
            "\(run.output)")
    }
}
