import ArgumentParser
import Foundation
import KDPipeline
import KDTraining

/// The pipeline file and its `key=value` overrides, shared by run, validate and graph.
struct PipelineArguments: ParsableArguments {
    @Argument(help: "The pipeline file (YAML).")
    var file: String
    @Argument(help: "Overrides such as epochs=3 optimisers.student.lr=0.05.")
    var overrides: [String] = []

    /// Loads and validates the file; on problems prints all of them and exits non-zero.
    func load() throws -> LoadedPipeline { try Self.load(file: file, overrides: overrides) }

    /// Loads and validates `file` with `overrides`, printing warnings; on problems prints all of them and exits non-zero.
    static func load(file: String, overrides: [String]) throws -> LoadedPipeline {
        do {
            let loaded = try PipelinePlanner.load(file: file, overrides: overrides)
            for warning in loaded.warnings { printError(warning.description) }
            return loaded
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Writes a line to standard output unbuffered, so progress reaches a log file as it happens.
func emit(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

/// A file or array the command was given is not usable: printed as `Error: …`, exit status 1
/// (`ValidationError`, status 64, is for misused options).
struct InputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
