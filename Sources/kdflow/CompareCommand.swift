import ArgumentParser
import Foundation
import KDTraining

/// `kdflow compare`: mean ± std of last- and best-epoch top-1 over runs of one pipeline.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Mean ± std of the last- and best-epoch top-1 over runs (one pipeline, several seeds).")

    /// How the comparison is printed: `--table` (default), `--csv` or `--json`.
    enum OutputFormat: String, EnumerableFlag {
        case table, csv, json
    }

    @Argument(help: "Run directories (runs/<name> of each seed).")
    var runs: [String]
    @Option(help: "Model to compare (default: the runs' export model).")
    var model: String?
    @Flag(help: "Output format (the warnings go to standard error with --csv and --json).")
    var format: OutputFormat = .table

    func run() throws {
        let comparison = try RunComparison(runs: runs.map { URL(fileURLWithPath: $0) }, model: model)
        switch format {
        case .table: print(comparison.table, terminator: "")
        case .csv: print(comparison.csv, terminator: "")
        case .json: print(comparison.json, terminator: "")
        }
        if format != .table { for warning in comparison.warnings { printError("warning: " + warning) } }
    }
}
