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
        let target = out.map { URL(fileURLWithPath: $0) } ?? plan.outputDirectory.appendingPathComponent("\(name)-\(from).safetensors")
        switch from {
        case "best":
            guard name == plan.exportModel else { throw ValidationError("best.safetensors holds only '\(plan.exportModel)'; use --from last") }
            let source = try Safetensors(contentsOf: plan.outputDirectory.appendingPathComponent("best.safetensors"))
            try AtomicFile.write(source.serialized(), to: target)
        case "last":
            let checkpoint = try RunCheckpoints.lastWeights(run: plan.outputDirectory)
            try Checkpoint.export(from: try Safetensors(contentsOf: checkpoint), prefix: name + ".", to: target)
        default:
            throw ValidationError("--from is best or last")
        }
        print("exported \(name) to \(target.path)")
    }
}
