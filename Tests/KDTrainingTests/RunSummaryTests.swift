import Foundation
@testable import KDTraining
import Testing

struct RunSummaryTests {
    @Test func chartsMarkTheBestEpochAndPlotTheLossOnALogAxis() throws {
        let run = runDirectory("report")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        var lines: [String] = []
        for step in 1...40 {
            let loss = step == 7 ? 0 : 2.3 / Double(step)  // a zero cannot be placed on a log axis
            lines.append(
                "{\"kind\":\"step\",\"epoch\":\((step - 1) / 20 + 1),\"global_step\":\(step),\"loss\":\(loss),\"terms\":{\"ce\":\(loss)}}"
            )
        }
        for (epoch, top1) in [(1, 0.81), (2, 0.86), (3, 0.84)] {
            lines.append("{\"kind\":\"epoch\",\"epoch\":\(epoch),\"eval\":{\"student\":{\"top1\":\(top1)}}}")
        }
        try Data(lines.joined(separator: "\n").utf8).write(to: run.appendingPathComponent("metrics.jsonl"))
        let out = try RunSummary.write(run: run)
        #expect(out.text.contains("| student | 86.00% | 2 | 84.00% |"))
        let accuracy = try String(contentsOf: out.accuracyCurve, encoding: .utf8)
        #expect(accuracy.contains("best 86.00% (epoch 2)"))
        let loss = try String(contentsOf: out.lossCurve, encoding: .utf8)
        #expect(loss.contains("loss (log scale)") && !loss.contains("nan") && !loss.contains("inf"))
        #expect(!loss.contains(">ce<"), "a lone term equal to the total is not drawn twice")
    }

    @Test func movingAverageFollowsTheDataWithoutLag() {
        let points = (0..<200).map { (x: Double($0), y: $0 < 100 ? 1.0 : 3.0) }
        let smoothed = LineChart.movingAverage(points).map(\.y)
        #expect(abs(smoothed[0] - 1) < 1e-6 && abs(smoothed[199] - 3) < 1e-6)
        #expect(
            abs(smoothed[99] + smoothed[100] - 4) < 0.1, "the step is smoothed symmetrically about where it happens")
    }
}
