import Foundation
import KDTensor

/// `kdflow report`: learning curves (SVG) and a Markdown summary from a run's `metrics.jsonl`.
public enum RunSummary {
    /// The files written.
    public struct Output: Sendable {
        public var lossCurve: URL
        public var accuracyCurve: URL
        public var summary: URL
        public var text: String
    }

    /// Reads `<run>/metrics.jsonl` and writes `loss.svg`, `accuracy.svg` and `summary.md` beside it.
    public static func write(run: URL) throws -> Output {
        let metrics = try RunMetrics(run: run)
        let (steps, epochs) = (metrics.stepRecords, metrics.epochRecords)
        let stepsPerEpoch = Double(max(steps.filter { ($0["epoch"] as? Int) == 1 }.count, 1))
        let termNames = Set(steps.flatMap { ($0["terms"] as? [String: Double])?.keys.map { $0 } ?? [] }).sorted()
        func epochOf(_ step: [String: Any]) -> Double { Double(step["global_step"] as? Int ?? 0) / stepsPerEpoch }
        let total = steps.map { (x: epochOf($0), y: $0["loss"] as? Double ?? .nan) }
        var lossSeries = [LineChart.Series(name: "total", points: total)]
        for term in termNames {
            let points = steps.compactMap { s in (s["terms"] as? [String: Double])?[term].map { (x: epochOf(s), y: $0) }
            }
            // A lone term equal to the total (cross-entropy alone) would only hide the total's line.
            if points.map(\.y) != total.map(\.y) { lossSeries.append(LineChart.Series(name: term, points: points)) }
        }
        let models = Set(epochs.flatMap { ($0["eval"] as? [String: [String: Double]])?.keys.map { $0 } ?? [] }).sorted()
        let accuracySeries = models.map { model in
            var series = LineChart.Series(
                name: model,
                points: epochs.compactMap { e -> (x: Double, y: Double)? in
                    guard let top1 = (e["eval"] as? [String: [String: Double]])?[model]?["top1"] else { return nil }
                    return (Double(e["epoch"] as? Int ?? 0), 100 * top1)
                })
            series.mark = series.points.max { $0.y < $1.y }.map {
                ($0.x, $0.y, String(format: "best %.2f%% (epoch %d)", $0.y, Int($0.x)))
            }
            return series
        }
        let loss = run.appendingPathComponent("loss.svg"), accuracy = run.appendingPathComponent("accuracy.svg")
        let lossChart = LineChart(
            title: "training loss per step", xLabel: "epoch", yLabel: "loss", series: lossSeries,
            yScale: .log, smoothed: true)
        try AtomicFile.write(Data(lossChart.svg().utf8), to: loss)
        try AtomicFile.write(
            Data(
                LineChart(title: "evaluation top-1", xLabel: "epoch", yLabel: "top-1 %", series: accuracySeries).svg()
                    .utf8),
            to: accuracy)
        var text =
            "# \(run.lastPathComponent)\n\n\(steps.count) steps, \(epochs.count) epochs.\n\n| model | best top-1 | epoch | last top-1 |\n|---|---|---|---|\n"
        for s in accuracySeries {
            guard let best = s.mark, let last = s.points.last else { continue }
            text += String(format: "| %@ | %.2f%% | %d | %.2f%% |\n", s.name, best.y, Int(best.x), last.y)
        }
        let seconds = epochs.compactMap { $0["train_seconds"] as? Double }.reduce(0, +)
        text += String(format: "\nTraining time: %.0f s.\n\n![loss](loss.svg)\n![top-1](accuracy.svg)\n", seconds)
        let summary = run.appendingPathComponent("summary.md")
        try AtomicFile.write(Data(text.utf8), to: summary)
        return Output(lossCurve: loss, accuracyCurve: accuracy, summary: summary, text: text)
    }
}
