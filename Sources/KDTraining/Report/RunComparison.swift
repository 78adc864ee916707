import Foundation

/// `kdflow compare`: one model's top-1 over runs of one pipeline with different seeds — the mean
/// and sample standard deviation of the last epoch (the honest number) and of the best epoch
/// (chosen on the evaluation split itself, so optimistic).
public struct RunComparison: Sendable {
    /// One run's result.
    public struct Run: Sendable {
        public var directory: String
        public var seed: UInt64?
        /// Top-1 (percent) of the last evaluated epoch.
        var lastTop1: Double
        public var bestTop1: Double
        public var bestEpoch: Int
        public var epochs: Int
    }

    /// Mean and sample standard deviation (0 for one run).
    public struct Spread: Sendable {
        public var mean: Double
        public var std: Double

        init(_ values: [Double]) {
            let mean = values.reduce(0, +) / Double(max(values.count, 1))
            self.mean = mean
            std =
                values.count > 1
                ? (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot() : 0
        }
    }

    public var model: String
    public var pipeline: String?
    public var runs: [Run]
    public var last: Spread
    public var best: Spread
    /// What a reader must know before trusting the numbers (best chosen on the evaluation split,
    /// runs of different pipelines or of one seed, unequal epochs).
    public var warnings: [String]

    /// Compares `model` (default: the runs' export model) over the run directories `runs`.
    public init(runs directories: [URL], model: String? = nil) throws {
        guard !directories.isEmpty else { throw TrainingError.report("compare: no run directories given") }
        let records = try directories.map { try RunRecord.read(run: $0) }
        guard let name = model ?? records.compactMap({ $0?.exportModel }).first else {
            throw TrainingError.report("compare: the runs have no run.json naming their model; pass --model")
        }
        var runs: [Run] = []
        for (directory, record) in zip(directories, records) {
            let evaluated = try RunMetrics(run: directory).epochs.compactMap { e in
                e.top1[name].map { (e.epoch, 100 * $0) }
            }
            guard let last = evaluated.last, let best = evaluated.max(by: { $0.1 < $1.1 }) else {
                throw TrainingError.report("\(directory.path): no evaluated epoch of model '\(name)'")
            }
            runs.append(
                Run(
                    directory: directory.path, seed: record?.seed, lastTop1: last.1, bestTop1: best.1,
                    bestEpoch: best.0, epochs: last.0))
        }
        self.model = name
        self.runs = runs
        last = Spread(runs.map(\.lastTop1))
        best = Spread(runs.map(\.bestTop1))
        let pipelines = Set(records.compactMap { $0?.pipeline })
        pipeline = pipelines.count == 1 ? pipelines.first : nil
        var warnings: [String] = []
        let evalData = Set(records.compactMap { $0?.evalData })
        warnings.append(
            "best-epoch top-1 is chosen on the evaluation data itself"
                + (evalData.count == 1 ? " (\(evalData.first!))" : "")
                + ": it overstates what the model does on unseen data; report the last epoch")
        if pipelines.count > 1 {
            warnings.append("the runs come from different pipelines: \(pipelines.sorted().joined(separator: ", "))")
        }
        if records.contains(where: { $0 == nil }) {
            warnings.append("some runs have no run.json: their pipeline and seed are unknown")
        }
        let seeds = runs.compactMap(\.seed)
        if Set(seeds).count < seeds.count {
            warnings.append("some runs share a seed: they are not independent samples")
        }
        if Set(runs.map(\.epochs)).count > 1 {
            warnings.append(
                "the runs ended at different epochs: \(runs.map { String($0.epochs) }.joined(separator: ", "))")
        }
        self.warnings = warnings
    }
}
