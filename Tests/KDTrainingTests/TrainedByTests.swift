import Foundation
import KDPipeline
import KDTraining
import Testing

/// `trained_by:` resolution: which pipelines run first, in what order, and a cycle located.
@Suite struct TrainedByTests {
    /// A pipeline file whose frozen teacher loads `weights`, produced by `producer` when given.
    func write(_ dir: URL, _ name: String, producer: String? = nil) throws -> String {
        let file = dir.appendingPathComponent("\(name).yaml").path
        let teacher =
            producer.map { ", weights: \(dir.path)/\(name)-missing.safetensors, trained_by: \(dir.path)/\($0).yaml" }
            ?? ""
        let yaml = """
            kdflow: 1
            name: \(name)
            epochs: 1
            data: {train: {shards: \(LossKindPlanningTests.data.path)}, batch: 32}
            models:
              teacher: {arch: mlp, in_channels: 1, classes: 10, hidden: [8], frozen: true\(teacher)}
              student: {arch: mlp, in_channels: 1, classes: 10, hidden: [8]}
            stages:
              augment: {from: data.train, ops: []}
              teacher: {forward: teacher, from: augment}
              student: {forward: student, from: augment}
            loss:
              kd: {kind: kd, student: student.logits, teacher: teacher.logits}
            optimisers:
              student: {kind: sgd, lr: 0.1, params: [student]}
            """
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func prerequisites(_ file: String) throws -> [String] {
        try TrainedBy.prerequisites(of: file, loaded: try PipelinePlanner.load(file: file, overrides: [])) {
            try PipelinePlanner.load(file: $0, overrides: [])
        }.map { URL(fileURLWithPath: $0.file).lastPathComponent }
    }

    @Test func producersRunDeepestFirstAndOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trained-by-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write(dir, "base")
        _ = try write(dir, "middle", producer: "base")
        let top = try write(dir, "top", producer: "middle")
        #expect(try prerequisites(top) == ["base.yaml", "middle.yaml"])
        #expect(try prerequisites(dir.appendingPathComponent("base.yaml").path) == [])
    }

    @Test func aCycleIsLocatedAtTheTrainedByKey() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("trained-by-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try write(dir, "a", producer: "b")
        let b = try write(dir, "b", producer: "a")
        do {
            _ = try prerequisites(b)
            Issue.record("a cycle was followed")
        } catch let error as TrainingError {
            // Located where the loop closes: a.yaml names b, which asked for a.
            #expect(error.description.contains("/a.yaml:6:"), "\(error)")
            #expect(
                error.description.contains("models.teacher.trained_by: cycle: \(b) → \(dir.path)/a.yaml → \(b)"),
                "\(error)")
        }
    }
}
