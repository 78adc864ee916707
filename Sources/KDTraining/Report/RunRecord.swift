import Foundation
import KDTensor

/// `run.json`: what a run directory holds the results of — the pipeline, its seed and the data
/// its "best" epoch was chosen on — so `kdflow compare` can tell runs of one pipeline apart.
struct RunRecord: Codable, Sendable, Equatable {
    public static let fileName = "run.json"

    public var format = "kdflow-run"
    public var version = 1
    /// The pipeline's `name`.
    public var pipeline: String
    public var seed: UInt64
    public var epochs: Int
    /// The model `export` writes and `best.safetensors` holds.
    public var exportModel: String
    /// The evaluation data (the split whose top-1 also picks the best epoch).
    public var evalData: String?

    enum CodingKeys: String, CodingKey {
        case format, version, pipeline, seed, epochs
        case exportModel = "export_model", evalData = "eval_data"
    }

    init(plan: TrainingPlan) {
        pipeline = plan.name
        seed = plan.seed
        epochs = plan.epochs
        exportModel = plan.exportModel
        evalData = plan.evalData?.path
    }

    /// Writes the record into `run` atomically.
    func write(to run: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: run.appendingPathComponent(Self.fileName))
    }

    /// The record of `run`, or nil when the run predates it; throws when it exists but is not one.
    static func read(run: URL) throws -> RunRecord? {
        let url = run.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        guard let record = try? JSONDecoder().decode(RunRecord.self, from: data), record.format == "kdflow-run" else {
            throw TrainingError.report("\(url.path): not a kdflow run record")
        }
        return record
    }
}
