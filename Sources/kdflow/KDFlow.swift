import ArgumentParser

/// The kdflow command line.
@main
struct KDFlow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdflow",
        abstract: "Knowledge-distillation training in pure Swift.",
        subcommands: [
            RunCommand.self, ValidateCommand.self, GraphCommand.self, ImportCommand.self,
            CacheCommand.self, EvalCommand.self, PredictCommand.self, ExportCommand.self, ReportCommand.self,
            CompareCommand.self,
            LossCommand.self,
        ])
}
