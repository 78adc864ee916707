import ArgumentParser

/// `kdflow graph`: prints a pipeline's DAG.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "graph", abstract: "Print a pipeline's stage graph (text, or Graphviz DOT).")

    @OptionGroup var pipeline: PipelineArguments
    @Flag(help: "Graphviz DOT instead of text.")
    var dot = false

    func run() throws {
        let loaded = try pipeline.load()
        print(dot ? loaded.graph.renderDOT(name: loaded.spec.name) : loaded.graph.renderText())
    }
}
