import ArgumentParser
import Foundation
import KDNN
import KDTensor
import KDTraining

/// `kdflow export`: writes one model of a run (the student alone) as a safetensors file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export one model of a run as safetensors with PyTorch's state-dict names.")

    @OptionGroup var pipeline: PipelineArguments
    @Option(help: "Model to export (default: the pipeline's export model).")
    var model: String?
    @Option(help: "best (highest evaluation top-1) or last (newest checkpoint).")
    var from: String = "best"
    @Option(help: "Output file (default: <run>/<model>-<from>.safetensors).")
    var out: String?

    func run() throws {
        let plan = try PipelinePlanner.plan(try pipeline.load())
        let name = model ?? plan.exportModel
        guard let modelPlan = plan.model(named: name) else { throw ValidationError("no model '\(name)' in \(pipeline.file)") }
        let target = out.map { URL(fileURLWithPath: $0) } ?? plan.outputDirectory.appendingPathComponent("\(name)-\(from).safetensors")
        let source: Safetensors, prefix: String
        switch from {
        case "best":
            guard name == plan.exportModel else { throw ValidationError("best.safetensors holds only '\(plan.exportModel)'; use --from last") }
            (source, prefix) = (try Safetensors(contentsOf: plan.outputDirectory.appendingPathComponent("best.safetensors")), "")
        case "last":
            (source, prefix) = (try Safetensors(contentsOf: try RunCheckpoints.lastWeights(run: plan.outputDirectory)), name + ".")
        default:
            throw ValidationError("--from is best or last")
        }
        // The weights must be this pipeline's model (every name and shape), not another architecture's.
        let net = try ModelZoo.make(modelPlan.arch, inChannels: modelPlan.inChannels, classes: modelPlan.classes,
                                    imageSize: modelPlan.imageSize, hidden: modelPlan.hidden, seed: plan.seed)
        try Checkpoint.load(net, from: source, prefix: prefix)
        if prefix.isEmpty {
            try AtomicFile.write(source.serialized(), to: target)
        } else {
            try Checkpoint.export(from: source, prefix: prefix, to: target)
        }
        print("exported \(name) to \(target.path)")
    }
}
