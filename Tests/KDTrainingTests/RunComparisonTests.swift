import Foundation
import Testing
@testable import KDTraining

@Suite struct RunComparisonTests {
    /// A run directory with `run.json` and one epoch record per top-1 (fractions).
    private func run(_ root: URL, seed: UInt64, pipeline: String = "p", top1: [Double]) throws -> URL {
        let dir = root.appendingPathComponent("s\(seed)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var record = RunRecord(plan: mlpPlan("compare"))
        record.pipeline = pipeline
        record.seed = seed
        try record.write(to: dir)
        let lines = top1.enumerated().map { i, t in
            "{\"kind\":\"step\",\"global_step\":\(i)}\n{\"kind\":\"epoch\",\"epoch\":\(i + 1),\"eval\":{\"student\":{\"top1\":\(t)}}}"
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))
        return dir
    }

    @Test func lastAndBestOverSeeds() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let runs = [
            try run(root, seed: 1, top1: [0.80, 0.90, 0.85]), try run(root, seed: 2, top1: [0.81, 0.86, 0.87]),
        ]
        let c = try RunComparison(runs: runs, model: "student")
        #expect(abs(c.last.mean - 86) < 1e-9)
        #expect(abs(c.last.std - (2.0).squareRoot()) < 1e-9)
        #expect(abs(c.best.mean - 88.5) < 1e-9)
        #expect(c.runs.map(\.bestEpoch) == [2, 3])
        #expect(c.pipeline == "p")
        #expect(c.warnings.count == 1 && c.warnings[0].contains("chosen on the evaluation data"))
        #expect(c.csv.split(separator: "\n").count == 5)
        #expect(c.json.contains("\"runs\":2"))
    }

    @Test func warnsOnMixedPipelinesAndSharedSeeds() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let a = try run(root.appendingPathComponent("a"), seed: 1, pipeline: "p", top1: [0.8])
        let b = try run(root.appendingPathComponent("b"), seed: 1, pipeline: "q", top1: [0.9, 0.7])
        let c = try RunComparison(runs: [a, b], model: "student")
        #expect(c.pipeline == nil)
        #expect(c.warnings.contains { $0.contains("different pipelines") })
        #expect(c.warnings.contains { $0.contains("share a seed") })
        #expect(c.warnings.contains { $0.contains("different epochs") })
        #expect(throws: TrainingError.self) { try RunComparison(runs: [a], model: "teacher") }
    }
}
