import Foundation
import KDNN
import KDTensor

/// Where a run stands: enough, with the weights and optimiser states, to continue bit-identically.
public struct TrainingProgress: Codable, Sendable, Equatable {
    /// Epoch in progress (0-based).
    public var epoch: Int
    /// Batches of that epoch already applied.
    public var batchInEpoch: Int
    /// Optimisation steps applied in total.
    public var globalStep: Int
    /// Best evaluation top-1 of the exported model so far, and its epoch.
    public var bestTop1: Double
    public var bestEpoch: Int

    public init(epoch: Int = 0, batchInEpoch: Int = 0, globalStep: Int = 0, bestTop1: Double = -1, bestEpoch: Int = -1) {
        self.epoch = epoch; self.batchInEpoch = batchInEpoch; self.globalStep = globalStep
        self.bestTop1 = bestTop1; self.bestEpoch = bestEpoch
    }
}

/// Checkpoints of a whole run in `<run>/checkpoints/`: step-numbered files for the weights
/// (every model and connector) and each optimiser, and `last.json` naming the newest complete
/// set. Every file is written atomically and the pointer last, so a kill at any moment leaves
/// the previous complete checkpoint in place.
enum TrainingCheckpoint {
    struct Pointer: Codable {
        var progress: TrainingProgress
        var weights: String
        var optimizers: [String: String]
    }

    static func directory(_ run: URL) -> URL { run.appendingPathComponent("checkpoints") }

    static func save(run: URL, progress: TrainingProgress, models: ModelSet,
                     optimizers: [(name: String, optimizer: Optimizer, plan: TrainingPlan.OptimizerPlan)]) throws {
        let dir = directory(run)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let tag = String(format: "step-%08d", progress.globalStep)
        let weights = "\(tag).safetensors"
        try AtomicFile.write(models.stateDict().serialized(), to: dir.appendingPathComponent(weights))
        var optimizerFiles: [String: String] = [:]
        for o in optimizers {
            let file = "\(tag).\(o.name).optim.safetensors"
            try Checkpoint.saveOptimizer(o.optimizer, to: dir.appendingPathComponent(file))
            optimizerFiles[o.name] = file
        }
        let pointer = Pointer(progress: progress, weights: weights, optimizers: optimizerFiles)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(pointer), to: dir.appendingPathComponent("last.json"))
        let keep = Set([weights, "last.json"] + optimizerFiles.values)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where !keep.contains(name) && name.hasPrefix("step-") {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(name))
        }
    }

    /// Restores the newest checkpoint, or returns nil when the run has none.
    static func load(run: URL, models: ModelSet,
                     optimizers: [(name: String, optimizer: Optimizer, plan: TrainingPlan.OptimizerPlan)]) throws -> TrainingProgress? {
        let dir = directory(run)
        let pointerURL = dir.appendingPathComponent("last.json")
        guard FileManager.default.fileExists(atPath: pointerURL.path) else { return nil }
        let pointer = try JSONDecoder().decode(Pointer.self, from: Data(contentsOf: pointerURL))
        try models.load(try Safetensors(contentsOf: dir.appendingPathComponent(pointer.weights)))
        for o in optimizers {
            guard let file = pointer.optimizers[o.name] else { continue }
            try Checkpoint.loadOptimizer(o.optimizer, from: dir.appendingPathComponent(file))
        }
        return pointer.progress
    }
}

/// Read access to a run's checkpoints for the CLI.
public enum RunCheckpoints {
    /// The newest checkpoint's weights file (every model, prefixed by its name).
    public static func lastWeights(run: URL) throws -> URL {
        let dir = TrainingCheckpoint.directory(run)
        let pointer = try JSONDecoder().decode(TrainingCheckpoint.Pointer.self,
                                               from: Data(contentsOf: dir.appendingPathComponent("last.json")))
        return dir.appendingPathComponent(pointer.weights)
    }
}
