import ArgumentParser
import Foundation
import KDAutodiff
import KDData
import KDNN
import KDTensor
import KDTraining

/// `kdflow predict`: classifies image files with a pipeline's trained model.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify PNG/JPEG images with a pipeline's model: the top-K classes of each.",
        discussion: """
            Each image is decoded, converted to the model's channels and resized to its image size as \
            `kdflow import folder` does, then fed through the eval stream's normalisation. Class names come \
            from the training data's manifest.
            """)

    @Argument(help: "The pipeline file (YAML).")
    var file: String
    @Argument(help: "PNG or JPEG files.")
    var images: [String]
    @Option(help: "Model to use (default: the pipeline's export model).")
    var model: String?
    @Option(help: "Weights to load (default: <run>/best.safetensors).")
    var weights: String?
    @Option(help: "Classes to print per image.")
    var top = 3

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image file") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
    }

    func run() throws {
        let loaded = try PipelineArguments.load(file: file, overrides: [])
        // Progress to standard error: standard output is one line per image.
        try PipelinePlanner.prepareData(loaded.spec) { printError($0) }
        let plan = try PipelinePlanner.plan(loaded)
        let trained = try TrainedModel(plan, name: model, weights: weights, file: file)
        let m = trained.interface
        let names = try classNames(plan.trainData, count: m.classes)
        let layout = SampleLayout(pixelType: .uint8, channels: m.inChannels, height: m.imageSize, width: m.imageSize)
        let augmenter = try Augmenter(ops: plan.evalOps(model: m.name), views: 1, seed: plan.seed, input: layout)
        for start in stride(from: 0, to: images.count, by: 64) {
            let paths = Array(images[start..<min(images.count, start + 64)])
            var input = [Float]()
            for (i, path) in paths.enumerated() {
                let sample = try FolderImporter.sample(
                    URL(fileURLWithPath: path), channels: layout.channels,
                    height: layout.height, width: layout.width)
                let id = SampleID(dataset: "predict", shard: 0, index: start + i)
                input += sample.withUnsafeBytes { augmenter.view($0, id: id, view: 0).pixels }
            }
            let x = Variable(constant: Tensor(shape: Shape([paths.count] + augmenter.outputDims), scalars: input))
            let probabilities = trained.network(x, ForwardContext(tape: nil, training: false)).value.softmax(axis: -1)
                .scalars
            for (i, path) in paths.enumerated() {
                let row = probabilities[(i * m.classes)..<((i + 1) * m.classes)]
                let best = row.indices.sorted { row[$0] > row[$1] }.prefix(top)
                print(
                    "\(path): "
                        + best.map { String(format: "%@ %.4f", names[$0 - i * m.classes], row[$0]) }.joined(
                            separator: ", "))
            }
        }
    }

    /// The class names of the first training source that has one per model class.
    private func classNames(_ sources: [URL], count: Int) throws -> [String] {
        for source in sources {
            let classes = try DatasetManifest.read(from: source).classes
            if classes.count == count { return classes }
        }
        throw InputError("no training data manifest of \(file) names \(count) classes")
    }
}
