import ArgumentParser
import Foundation
import KDData
import KDTraining

/// `kdflow eval`: evaluates a pipeline's model on its evaluation data.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a pipeline's model: top-1, top-5, mean loss, confusion matrix.")

    @OptionGroup var pipeline: PipelineArguments
    @Option(help: "Model to evaluate (default: the pipeline's export model).")
    var model: String?
    @Option(help: "Weights to load (default: <run>/best.safetensors).")
    var weights: String?

    func run() throws {
        let loaded = try pipeline.load()
        try PipelinePlanner.prepareData(loaded.spec) { print($0) }
        let plan = try PipelinePlanner.plan(loaded)
        guard let evalData = plan.evalData else { throw ValidationError("\(pipeline.file) has no data.eval") }
        let trained = try TrainedModel(plan, name: model, weights: weights, file: pipeline.file)
        let name = trained.interface.name, url = trained.weights
        let evaluator = try Evaluator(
            dataset: try ShardedDataset(directory: evalData), ops: plan.evalOps(model: name),
            batchSize: plan.batchSize, seed: plan.seed)
        let m = evaluator.evaluate([(name, trained.network)], classes: trained.interface.classes)[name]!
        print(
            String(
                format: "%@ (%@): top-1 %.2f%%  top-5 %.2f%%  loss %.4f  on %d samples", name, url.lastPathComponent,
                100 * m.top1, 100 * m.top5, m.meanLoss, m.count))
        print("confusion matrix (rows: true class, columns: predicted):")
        for (i, row) in m.confusion.enumerated() {
            print(String(format: "%3d ", i) + row.map { String(format: "%5d", $0) }.joined())
        }
    }
}
