import Foundation
import KDCache
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

    public init(epoch: Int = 0, batchInEpoch: Int = 0, globalStep: Int = 0, bestTop1: Double = -1, bestEpoch: Int = -1)
    {
        self.epoch = epoch
        self.batchInEpoch = batchInEpoch
        self.globalStep = globalStep
        self.bestTop1 = bestTop1
        self.bestEpoch = bestEpoch
    }
}

/// Checkpoints of a whole run in `<run>/checkpoints/`: step-numbered files for the weights
/// (every model and connector) and each optimiser, and `last.json` naming the newest complete
/// set with each file's SHA-256. Every file is written atomically and the pointer last, so a kill
/// at any moment leaves the previous complete checkpoint in place. Only files a pointer names
/// are ever removed: kdflow deletes nothing it did not write.
enum TrainingCheckpoint {
    struct Pointer: Codable {
        var progress: TrainingProgress
        var weights: String
        var optimizers: [String: String]
        /// SHA-256 (hex) of each file above, checked before a resume reads it (absent in pointers
        /// of kdflow versions before digests: such a checkpoint is cleared, never resumed).
        var sha256: [String: String]?

        var files: [String] { [weights] + optimizers.values.sorted() }
    }

    static func directory(_ run: URL) -> URL { run.appendingPathComponent("checkpoints") }
    static func pointerURL(_ run: URL) -> URL { directory(run).appendingPathComponent("last.json") }

    static func save(
        run: URL, progress: TrainingProgress, models: ModelSet,
        optimizers: [BuiltOptimizer]
    ) throws {
        let dir = directory(run)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let previous = try? readPointer(run)
        let tag = String(format: "step-%08d", progress.globalStep)
        let weights = "\(tag).safetensors"
        try AtomicFile.write(models.stateDict().serialized(), to: dir.appendingPathComponent(weights))
        var optimizerFiles: [String: String] = [:]
        for o in optimizers {
            let file = "\(tag).\(o.name).optim.safetensors"
            try Checkpoint.saveOptimizer(o.optimizer, to: dir.appendingPathComponent(file))
            optimizerFiles[o.name] = file
        }
        var pointer = Pointer(progress: progress, weights: weights, optimizers: optimizerFiles, sha256: [:])
        var digests: [String: String] = [:]
        for file in pointer.files { digests[file] = try digest(dir.appendingPathComponent(file)) }
        pointer.sha256 = digests
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(pointer), to: pointerURL(run))
        for file in previous?.files ?? [] where !pointer.files.contains(file) {
            try? FileManager.default.removeItem(at: dir.appendingPathComponent(file))
        }
    }

    /// Removes the checkpoint a previous run left (the files its pointer names, and the pointer),
    /// before a fresh run starts; anything else in the directory stays.
    static func clear(run: URL) throws {
        guard FileManager.default.fileExists(atPath: pointerURL(run).path) else { return }
        let pointer = try readPointer(run)
        for file in pointer.files {
            try? FileManager.default.removeItem(at: directory(run).appendingPathComponent(file))
        }
        try FileManager.default.removeItem(at: pointerURL(run))
    }

    /// Restores the newest checkpoint after checking every file's digest, or returns nil when the
    /// run has none.
    static func load(
        run: URL, models: ModelSet,
        optimizers: [BuiltOptimizer]
    ) throws -> TrainingProgress? {
        guard FileManager.default.fileExists(atPath: pointerURL(run).path) else { return nil }
        let pointer = try readPointer(run)
        let dir = directory(run)
        guard let digests = pointer.sha256 else {
            throw TrainingError.damagedCheckpoint(
                file: pointerURL(run), reason: "was written by a kdflow without checkpoint digests; start a fresh run")
        }
        for file in pointer.files {
            let url = dir.appendingPathComponent(file)
            guard try digest(url) == digests[file] else {
                throw TrainingError.damagedCheckpoint(
                    file: url, reason: "its SHA-256 differs from the one last.json recorded: the checkpoint is damaged")
            }
        }
        try models.load(try Safetensors(contentsOf: dir.appendingPathComponent(pointer.weights)))
        for o in optimizers {
            guard let file = pointer.optimizers[o.name] else { continue }
            try Checkpoint.loadOptimizer(o.optimizer, from: dir.appendingPathComponent(file))
        }
        return pointer.progress
    }

    static func readPointer(_ run: URL) throws -> Pointer {
        let url = pointerURL(run)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrainingError.damagedCheckpoint(file: url, reason: "cannot be read (\(error.localizedDescription))")
        }
        let pointer: Pointer
        do { pointer = try JSONDecoder().decode(Pointer.self, from: data) } catch {
            throw TrainingError.damagedCheckpoint(
                file: url,
                reason:
                    "is not a checkpoint pointer kdflow can read (\(error.localizedDescription)); move the run directory aside"
            )
        }
        // Names must stay inside the checkpoint directory.
        for file in pointer.files where file.contains("/") || file.hasPrefix(".") {
            throw TrainingError.damagedCheckpoint(file: url, reason: "names '\(file)', not a file of this directory")
        }
        return pointer
    }

    private static func digest(_ url: URL) throws -> String {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrainingError.damagedCheckpoint(file: url, reason: "cannot be read (\(error.localizedDescription))")
        }
        return SHA256.hash([UInt8](data)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Read access to a run's checkpoints for the CLI.
public enum RunCheckpoints {
    /// The newest checkpoint's weights file (every model, prefixed by its name).
    public static func lastWeights(run: URL) throws -> URL {
        TrainingCheckpoint.directory(run).appendingPathComponent(try TrainingCheckpoint.readPointer(run).weights)
    }
}
