import Foundation
import KDTraining

/// `kdbench kd-table [--conv] [--seeds 1,2,3] [--rows a,b] [--fresh] [--tune]`: trains the teacher,
/// the baseline students and every method pipeline of a section once per seed under one budget, and
/// writes the section's table into RESULTS.md between its markers (`<!-- kd-table:begin -->` …;
/// `--conv`: the conv-student section, `<!-- kd-table-conv:begin -->` …). A finished run (its
/// `kd-table.json` beside metrics.jsonl) is reused unless `--fresh`. With `--rows`, only those rows
/// are trained (and the teacher their seeds need); the others keep the scores the table has. `--tune`
/// scores the rows' candidate settings on the held-out split instead (KDTableTuning.swift).
func runKDTableBenchmark(_ args: [String]) throws {
    let seeds = value(of: "--seeds", in: args)?.split(separator: ",").compactMap { Int($0) } ?? [1, 2, 3]
    let fresh = args.contains("--fresh")
    let section = args.contains("--conv") ? KDTableSection.conv : .mlp
    let rows = value(of: "--rows", in: args).map { Set($0.split(separator: ",").map(String.init)) }
    guard FileManager.default.changeCurrentDirectoryPath(repositoryRoot.path) else {
        throw WorkerError(command: "kd-table", status: 1, output: "cannot enter \(repositoryRoot.path)")
    }
    if let unknown = rows?.subtracting(section.methods.map(\.name)), !unknown.isEmpty {
        throw WorkerError(command: "kd-table", status: 1, output: "no rows \(unknown.sorted()) in \(section.name)")
    }
    try runChecked("/usr/bin/env", ["swift", "build", "-c", "release", "--product", "kdflow"])
    if args.contains("--tune") { return try runKDTableTuning(section: section, rows: rows, fresh: fresh) }
    let chosen = section.methods.filter { rows?.contains($0.name) ?? true }
    var results: [String: [KDTableRun]] = [:]
    var fillSeconds = 0.0
    for seed in seeds {
        var filled = false
        for method in chosen {
            if method.usesTeacher { _ = try kdTableRun(section.teacher, section: section, seed: seed, fresh: false) }
            if method.usesTeacher, method.readsStore, !filled, let fill = section.storeFill {
                fillSeconds += try fillTeacherStore(fill, section: section, seed: seed, fresh: fresh)
                filled = true
            }
            let run = try kdTableRun(method, section: section, seed: seed, fresh: fresh)
            if run.diverged == true {
                log("seed \(seed) \(method.name): diverged after " + String(format: "%.0f s", run.seconds))
            } else {
                let top1 = try RunComparison(
                    runs: [URL(fileURLWithPath: section.runDirectory(method.name, seed: seed))], model: method.model
                ).last.mean
                log("seed \(seed) \(method.name): " + String(format: "top-1 %.2f %%, %.0f s", top1, run.seconds))
            }
            results[method.name, default: []].append(run)
        }
    }
    var scores: [String: KDTableRowScore] = [:]
    for method in chosen {
        // `kdflow compare`'s statistics over each row's seeds: the last epoch's top-1, never the best.
        let scored = zip(seeds, results[method.name] ?? []).filter { $0.1.diverged != true }.map(\.0)
        let comparison =
            try scored.isEmpty
            ? nil
            : RunComparison(
                runs: scored.map { URL(fileURLWithPath: section.runDirectory(method.name, seed: $0)) },
                model: method.model)
        scores[method.name] = KDTableRowScore(runs: results[method.name] ?? [], comparison: comparison)
    }
    // Recorded times, so a table finished over several invocations still counts every run once.
    var total = results.values.joined().reduce(fillSeconds) { $0 + $1.seconds }
    if rows != nil {
        let standing = try KDTableReport.standing(section, in: repositoryRoot.appendingPathComponent("RESULTS.md"))
        for method in section.methods where scores[method.name] == nil {
            guard let score = standing.scores[method.name] else {
                throw WorkerError(
                    command: "kd-table", status: 1, output: "RESULTS.md has no \(method.name) row to keep; run it too")
            }
            scores[method.name] = score
            if let baseline = method.baseline, chosen.contains(where: { $0.name == baseline }) {
                scores[method.name]?.standingDelta = nil
            }
        }
        total +=
            standing.totalSeconds - chosen.reduce(0) { $0 + (standing.scores[$1.name]?.seconds ?? 0) }
            * Double(seeds.count)
    }
    let table = KDTableReport(section: section, scores: scores, seeds: seeds, totalSeconds: total)
    try table.write(into: repositoryRoot.appendingPathComponent("RESULTS.md"))
    print(table.markdown)
    print(table.json)
}

/// One finished run's wall time (its top-1 is read from its metrics).
struct KDTableRun: Codable {
    var seconds: Double
    /// Set when its loss went non-finite: the seed has no score for the row.
    var diverged: Bool?
}

/// The repository (the package above Benchmarks/).
let repositoryRoot = referenceDirectory.deletingLastPathComponent().deletingLastPathComponent()

/// What points a pipeline's teacher at the seed's teacher and its store. Every teacher stage
/// exposes the same taps, so the runs share one store (the key covers the taps).
private func teacherOverrides(section: KDTableSection, seed: Int) -> [String] {
    [
        "models.teacher.weights=\(section.runDirectory("teacher", seed: seed))/teacher.safetensors",
        "stages.teacher.taps=[logits, features, features.preact]",
        "stages.teacher.store={dir: \(section.storeDirectory(seed: seed)), precision: fp16}",
    ]
}

private func overrides(_ method: KDTableMethod, section: KDTableSection, seed: Int) -> [String] {
    var list = [
        "seed=\(seed + method.seedOffset)", "outputs.dir=\(section.runDirectory(method.name, seed: seed))",
    ]
    if method.model != "teacher" { list.append("epochs=\(method.epochs ?? section.studentEpochs)") }
    if method.usesTeacher {
        list +=
            method.readsStore
            ? teacherOverrides(section: section, seed: seed)
            : ["models.teacher.weights=\(section.runDirectory("teacher", seed: seed))/teacher.safetensors"]
    }
    return list + method.extraOverrides(seed)
}

/// Trains one row for one seed unless its recorded result says it finished.
func kdTableRun(_ method: KDTableMethod, section: KDTableSection, seed: Int, fresh: Bool) throws
    -> KDTableRun
{
    let dir = section.runDirectory(method.name, seed: seed)
    let record = URL(fileURLWithPath: "\(dir)/kd-table.json")
    if !fresh, let data = try? Data(contentsOf: record),
        let run = try? JSONDecoder().decode(KDTableRun.self, from: data)
    {
        return run
    }
    try? FileManager.default.removeItem(atPath: dir)
    let started = Date()
    let finished = try runKdflowUnlessDiverged([method.pipeline] + overrides(method, section: section, seed: seed))
    let run = KDTableRun(seconds: Date().timeIntervalSince(started), diverged: finished ? nil : true)
    try JSONEncoder().encode(run).write(to: record)
    return run
}

/// Precomputes the seed's teacher outputs (both views) for the section's store-reading students
/// with `pipeline`'s teacher stage; returns the time it took (recorded in the store's `filled`
/// marker, reused unless `fresh`).
private func fillTeacherStore(_ pipeline: String, section: KDTableSection, seed: Int, fresh: Bool) throws -> Double {
    let marker = "\(section.storeDirectory(seed: seed))/filled"
    if !fresh, let text = try? String(contentsOfFile: marker, encoding: .utf8),
        let seconds = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    {
        return seconds
    }
    let started = Date()
    try runChecked(
        ".build/release/kdflow",
        [
            "cache", "fill", pipeline, "seed=\(seed)",
            "outputs.dir=\(section.runDirectory("store-fill", seed: seed))",
        ] + teacherOverrides(section: section, seed: seed))
    let seconds = Date().timeIntervalSince(started)
    try Data(String(format: "%.1f\n", seconds).utf8).write(to: URL(fileURLWithPath: marker))
    log(String(format: "seed %d teacher store filled in %.0f s", seed, seconds))
    return seconds
}

private func value(of option: String, in args: [String]) -> String? {
    args.firstIndex(of: option).flatMap { args.indices.contains($0 + 1) ? args[$0 + 1] : nil }
}

func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
