import ArgumentParser
import Foundation
import KDData
import KDExport
import KDNN
import KDTensor
import KDTraining

/// `kdflow export`: writes one model of a run (the student alone) as safetensors or ONNX.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export one model of a run as safetensors (PyTorch's state-dict names) or ONNX (opset 17).",
        discussion: """
            The ONNX graph takes `input` N×C×H×W float32 as the evaluation stream feeds the model (after its \
            normalize ops; with --with-preprocessing before them, raw [0, 1] pixels) and outputs `logits`.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case safetensors, onnx
    }

    enum Weights: String, ExpressibleByArgument, CaseIterable {
        case best, last
    }

    @OptionGroup var pipeline: PipelineArguments
    @Option(help: "Model to export (default: the pipeline's export model).")
    var model: String?
    @Option(help: "best (highest evaluation top-1) or last (newest checkpoint).")
    var from: Weights = .best
    @Option(help: "File format.")
    var format: Format = .safetensors
    @Option(help: "Output file (default: <run>/<model>-<from>.<format>).")
    var out: String?
    @Flag(help: "ONNX: bake the evaluation stream's normalize ops into the graph, so it takes raw pixels.")
    var withPreprocessing = false

    func validate() throws {
        if withPreprocessing && format != .onnx { throw ValidationError("--with-preprocessing needs --format onnx") }
    }

    func run() throws {
        let plan = try PipelinePlanner.plan(try pipeline.load())
        let name = model ?? plan.exportModel
        guard let modelPlan = plan.model(named: name) else {
            throw ValidationError("no model '\(name)' in \(pipeline.file)")
        }
        let target =
            out.map { URL(fileURLWithPath: $0) }
            ?? plan.outputDirectory.appendingPathComponent("\(name)-\(from.rawValue).\(format.rawValue)")
        let source: Safetensors, prefix: String
        switch from {
        case .best:
            guard name == plan.exportModel else {
                throw ValidationError("best.safetensors holds only '\(plan.exportModel)'; use --from last")
            }
            (source, prefix) = (
                try Safetensors(contentsOf: plan.outputDirectory.appendingPathComponent("best.safetensors")), ""
            )
        case .last:
            (source, prefix) = (
                try Safetensors(contentsOf: try RunCheckpoints.lastWeights(run: plan.outputDirectory)), name + "."
            )
        }
        // The weights must be this pipeline's model (every name and shape), not another architecture's.
        let net = try modelPlan.network(seed: plan.seed)
        try Checkpoint.load(net, from: source, prefix: prefix)
        switch format {
        case .safetensors where prefix.isEmpty:
            try AtomicFile.write(source.serialized(), to: target)
        case .safetensors:
            try Checkpoint.export(from: source, prefix: prefix, to: target)
        case .onnx:
            let normalizations =
                withPreprocessing
                ? plan.evalOps(model: name).compactMap { op -> ONNXExport.Normalization? in
                    guard case let .normalize(mean, std) = op else { return nil }
                    return ONNXExport.Normalization(mean: mean, std: std)
                } : []
            let bytes = try ONNXExport.serialize(
                net, channels: modelPlan.inChannels, height: modelPlan.imageSize,
                width: modelPlan.imageSize, normalizations: normalizations)
            try AtomicFile.write(bytes, to: target)
        }
        print("exported \(name) to \(target.path)")
    }
}
