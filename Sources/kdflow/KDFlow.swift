import ArgumentParser

/// The kdflow command line.
@main
struct KDFlow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kdflow",
        abstract: "Knowledge-distillation training in pure Swift.",
        subcommands: [ImportCommand.self])
}
