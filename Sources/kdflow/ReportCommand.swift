import ArgumentParser
import Foundation
import KDTraining

/// `kdflow report`: learning curves and a summary of a run.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write SVG learning curves and summary.md for a run directory (runs/<name>).")

    @Argument(help: "The run directory.")
    var directory: String

    func run() throws {
        let out = try RunSummary.write(run: URL(fileURLWithPath: directory))
        print(out.text)
        print("wrote \(out.lossCurve.path), \(out.accuracyCurve.path), \(out.summary.path)")
    }
}
