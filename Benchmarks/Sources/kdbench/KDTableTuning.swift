import Foundation
import KDTraining

/// The split every tuning run trains and scores on: the training split less 500 images a class,
/// scored on those 500. The test split is never read while tuning.
private let heldOutOverrides = [
    "data.train.shards=data/fashion-mnist/tune-train",
    "data.train.import={kind: idx, path: /usr/share/datasets/fashion-mnist, split: train, hold_out_per_class: 500, part: labeled}",
    "data.eval.shards=data/fashion-mnist/tune-held-out",
    "data.eval.import={kind: idx, path: /usr/share/datasets/fashion-mnist, split: train, hold_out_per_class: 500, part: held_out}",
]

/// One candidate setting of one row, scored on the held-out images (nil: training diverged).
struct KDTableTrial: Codable {
    var seconds: Double
    var heldOutTop1: Double?
    /// What was trained: the pipeline file's text and the command's arguments (a trial is reused
    /// only for the same setting).
    var pipelineText: String
    var arguments: [String]
}

/// `kdbench kd-table --conv --tune [--rows a,b] [--fresh]`: trains every candidate setting of every
/// row of the section once (seed 1, the seed's teacher, the row's epochs) on the held-out split, and
/// writes the held-out scores between the section's `<!-- <name>-tuning:begin -->` markers in
/// RESULTS.md. With `--rows`, only those rows are tuned; the others keep their lines as the table
/// has them. A finished trial of the same setting (its `trial.json`) is reused unless `--fresh`.
func runKDTableTuning(section: KDTableSection, rows: Set<String>?, fresh: Bool) throws {
    let marker = "\(section.name)-tuning"
    let results = repositoryRoot.appendingPathComponent("RESULTS.md")
    let standing = rows == nil ? [] : try linesBetweenMarkers(marker, in: results)
    var lines = [
        "| method | candidate (overrides of the pipeline file) | held-out top-1 | time |",
        "|---|---|---|---|",
    ]
    for method in section.methods where method.model != "teacher" {
        if let rows, !rows.contains(method.name) {
            lines += standing.filter { $0.hasPrefix("| \(method.name) |") }
            continue
        }
        if method.usesTeacher { _ = try kdTableRun(section.teacher, section: section, seed: 1, fresh: false) }
        let trials = try method.candidates.enumerated().map { index, candidate in
            try kdTableTrial(method, candidate: candidate, index: index, section: section, fresh: fresh)
        }
        let best = trials.compactMap(\.heldOutTop1).max()
        for (candidate, trial) in zip(method.candidates, trials) {
            let score = trial.heldOutTop1.map { String(format: "%.2f %%", $0) } ?? "diverged"
            let mark = trial.heldOutTop1 != nil && trial.heldOutTop1 == best && trials.count > 1 ? " (best)" : ""
            let setting = candidate.isEmpty ? "as written" : candidate.map { "`\($0)`" }.joined(separator: " ")
            lines.append(
                "| \(method.name) | \(setting) | \(score)\(mark) | \(String(format: "%.0f s", trial.seconds)) |")
            log("tune \(method.name) \(setting): \(score)")
        }
    }
    let markdown = lines.joined(separator: "\n")
    try writeBetweenMarkers(marker, markdown, into: results)
    print(markdown)
}

/// Trains one candidate on the held-out split unless its recorded trial says it finished.
private func kdTableTrial(
    _ method: KDTableMethod, candidate: [String], index: Int, section: KDTableSection, fresh: Bool
) throws -> KDTableTrial {
    let dir = "runs/\(section.name)-tuning/\(method.name)-c\(index)"
    let record = URL(fileURLWithPath: "\(dir)/trial.json")
    var arguments = [
        method.pipeline, "seed=1", "outputs.dir=\(dir)", "epochs=\(method.epochs ?? section.studentEpochs)",
    ]
    if method.usesTeacher {
        arguments.append("models.teacher.weights=\(section.runDirectory("teacher", seed: 1))/teacher.safetensors")
    }
    arguments += heldOutOverrides + candidate
    let pipelineText = try String(contentsOfFile: method.pipeline, encoding: .utf8)
    if !fresh, let data = try? Data(contentsOf: record),
        let trial = try? JSONDecoder().decode(KDTableTrial.self, from: data),
        trial.pipelineText == pipelineText, trial.arguments == arguments
    {
        return trial
    }
    try? FileManager.default.removeItem(atPath: dir)
    let started = Date()
    let finished = try runKdflowUnlessDiverged(arguments)
    let top1 =
        finished ? try RunComparison(runs: [URL(fileURLWithPath: dir)], model: method.model).last.mean : nil
    let trial = KDTableTrial(
        seconds: Date().timeIntervalSince(started), heldOutTop1: top1, pipelineText: pipelineText,
        arguments: arguments)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try JSONEncoder().encode(trial).write(to: record)
    return trial
}
