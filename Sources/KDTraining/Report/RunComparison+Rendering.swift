import Foundation

extension RunComparison {
    /// A Markdown table: one row per run, then the mean ± std rows, then the warnings.
    public var table: String {
        var text =
            "\(model)" + (pipeline.map { " of \($0)" } ?? "") + ", \(runs.count) run\(runs.count == 1 ? "" : "s")\n\n"
        text += "| run | seed | last top-1 | best top-1 | best epoch |\n|---|---|---|---|---|\n"
        for run in runs {
            text += String(
                format: "| %@ | %@ | %.2f %% | %.2f %% | %d / %d |\n", run.directory, run.seed.map(String.init) ?? "—",
                run.lastTop1, run.bestTop1, run.bestEpoch, run.epochs)
        }
        text += String(
            format: "| **mean ± std** | | **%.2f ± %.2f %%** | %.2f ± %.2f %% | |\n", last.mean, last.std, best.mean,
            best.std)
        return text + warnings.map { "\nwarning: " + $0 }.joined() + "\n"
    }

    /// One header line and one line per run, then `mean` and `std` lines.
    public var csv: String {
        var lines = ["run,seed,last_top1,best_top1,best_epoch,epochs"]
        for run in runs {
            lines.append(
                [
                    csvField(run.directory), run.seed.map(String.init) ?? "", format(run.lastTop1),
                    format(run.bestTop1),
                    String(run.bestEpoch), String(run.epochs),
                ].joined(separator: ","))
        }
        lines.append("mean,,\(format(last.mean)),\(format(best.mean)),,")
        lines.append("std,,\(format(last.std)),\(format(best.std)),,")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The comparison as one JSON object (keys sorted).
    public var json: String {
        let object: [String: Any] = [
            "model": model, "pipeline": pipeline ?? NSNull(), "runs": runs.count, "warnings": warnings,
            "last_top1": ["mean": last.mean, "std": last.std], "best_top1": ["mean": best.mean, "std": best.std],
            "per_run": runs.map {
                [
                    "run": $0.directory, "seed": $0.seed.map { NSNumber(value: $0) } ?? NSNull(),
                    "last_top1": $0.lastTop1,
                    "best_top1": $0.bestTop1, "best_epoch": $0.bestEpoch, "epochs": $0.epochs,
                ] as [String: Any]
            },
        ]
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private func format(_ value: Double) -> String { String(format: "%.4f", value) }

    private func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }
}
