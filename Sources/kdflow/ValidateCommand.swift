import ArgumentParser
import KDTraining

/// `kdflow validate`: reports every problem of a pipeline file, located, before any work.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a pipeline file and report every problem with file:line:column and key path.")

    @OptionGroup var pipeline: PipelineArguments

    func run() throws {
        let loaded = try pipeline.load()
        _ = try PipelinePlanner.plan(loaded)
        print(
            "\(pipeline.file): ok (\(loaded.spec.models.count) models, \(loaded.spec.stages.count) stages, \(loaded.spec.loss.count) loss terms)"
        )
    }
}
