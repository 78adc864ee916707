import Foundation
import KDPipeline

/// `trained_by:`: the pipelines that must run before a pipeline because they produce weights it
/// loads and that do not exist yet.
public enum TrainedBy {
    /// One pipeline to train first, and why.
    public struct Prerequisite: Sendable, Equatable {
        /// The pipeline file to train.
        public var file: String
        /// The model (of the pipeline that asked) whose weights it produces, and those weights.
        public var model: String
        public var weights: String
    }

    /// The pipelines to train, in order, before `file` (loaded as `loaded`) can run: for each model
    /// whose `weights` file is missing and that names a `trained_by` pipeline, that pipeline's own
    /// prerequisites, then itself; each file once. `load` reads a prerequisite's file (no
    /// overrides). A cycle is a located error naming the chain.
    public static func prerequisites(
        of file: String, loaded: LoadedPipeline,
        load: (String) throws -> LoadedPipeline
    ) throws -> [Prerequisite] {
        var order: [Prerequisite] = []
        try visit(file, loaded, chain: [], order: &order, load: load)
        return order
    }

    private static func visit(
        _ file: String, _ loaded: LoadedPipeline, chain: [String], order: inout [Prerequisite],
        load: (String) throws -> LoadedPipeline
    ) throws {
        let chain = chain + [file]
        for model in loaded.spec.models {
            guard let producer = model.node["trained_by"], let producerFile = producer.string,
                let weights = model.weights?.value,
                !FileManager.default.fileExists(atPath: weights)
            else { continue }
            if chain.map(canonical).contains(canonical(producerFile)) {
                throw TrainingError.plan(
                    producer.location,
                    "models.\(model.name).trained_by: cycle: " + (chain + [producerFile]).joined(separator: " → ")
                        + "; none of them can produce \(weights)")
            }
            guard !order.contains(where: { canonical($0.file) == canonical(producerFile) }) else { continue }
            try visit(producerFile, try load(producerFile), chain: chain, order: &order, load: load)
            order.append(Prerequisite(file: producerFile, model: model.name, weights: weights))
        }
    }

    /// A path with `.`, `..` and symbolic links resolved, so two spellings of one file compare equal.
    private static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
