import ArgumentParser
import KDTraining

/// `kdflow graph`: prints a pipeline's DAG.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "Print the stages `kdflow run` executes for a pipeline (text, or Graphviz DOT)."
    )

    @OptionGroup var pipeline: PipelineArguments
    @Flag(help: "Graphviz DOT instead of text.")
    var dot = false

    func run() throws {
        let plan = try PipelinePlanner.plan(try pipeline.load())
        print(dot ? plan.renderStagesDOT() : plan.renderStages(), terminator: "")
    }
}
