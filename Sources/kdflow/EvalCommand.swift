import ArgumentParser
import Foundation
import KDData
import KDNN
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
        let name = model ?? plan.exportModel
        guard let modelPlan = plan.models.first(where: { $0.name == name }) else {
            throw ValidationError("no model '\(name)' in \(pipeline.file)")
        }
        guard let evalData = plan.evalData else { throw ValidationError("\(pipeline.file) has no data.eval") }
        let net = try ModelZoo.make(modelPlan.arch, inChannels: modelPlan.inChannels, classes: modelPlan.classes,
                                    imageSize: modelPlan.imageSize, hidden: modelPlan.hidden, seed: plan.seed)
        let url = weights.map { URL(fileURLWithPath: $0) } ?? modelPlan.weights ?? plan.outputDirectory.appendingPathComponent("best.safetensors")
        try Checkpoint.load(net, from: url)
        let evaluator = try Evaluator(dataset: try ShardedDataset(directory: evalData), ops: plan.evalOps(model: name),
                                      batchSize: plan.batchSize, seed: plan.seed)
        let m = evaluator.evaluate([(name, net)], classes: modelPlan.classes)[name]!
        print(String(format: "%@ (%@): top-1 %.2f%%  top-5 %.2f%%  loss %.4f  on %d samples", name, url.lastPathComponent,
                     100 * m.top1, 100 * m.top5, m.meanLoss, m.count))
        print("confusion matrix (rows: true class, columns: predicted):")
        for (i, row) in m.confusion.enumerated() {
            print(String(format: "%3d ", i) + row.map { String(format: "%5d", $0) }.joined())
        }
    }
}
