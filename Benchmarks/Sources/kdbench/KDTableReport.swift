import Foundation
import KDTraining

/// One row's scores over the seeds: what the table prints for it.
struct KDTableRowScore {
    /// Mean and sample standard deviation of the last epoch's top-1 in percent (NaN: no seed scored).
    var mean: Double
    var std: Double
    /// How many seeds diverged (their loss went non-finite; they have no score).
    var diverged: Int
    /// The mean wall time of one run.
    var seconds: Double
    /// Δ against the baseline as a table written earlier prints it (nil: computed from the means);
    /// kept while the baseline keeps its score too, as the means it came from are printed rounded.
    var standingDelta: Double? = nil
}

extension KDTableRowScore {
    /// A row trained in this invocation: `kdflow compare`'s statistics over its scored seeds.
    init(runs: [KDTableRun], comparison: RunComparison?) {
        mean = comparison?.last.mean ?? .nan
        std = comparison?.last.std ?? .nan
        diverged = runs.filter { $0.diverged == true }.count
        seconds = runs.reduce(0) { $0 + $1.seconds } / Double(max(runs.count, 1))
    }

    /// A row as a table written earlier prints it (`| name | … | 90.00 ± 0.43 % | … | 55 s |`), for a
    /// table re-run in part; nil when the line is not a row of that form.
    init?(standingLine line: String) {
        let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard cells.count == 6, let time = Double(cells[5].dropLast(2)) else { return nil }
        seconds = time
        standingDelta = Double(cells[4].prefix { $0 != " " })
        let score = cells[3]
        let divergedMatch = score.firstMatch(of: /\((\d+) of \d+ seeds diverged\)/)
        diverged = divergedMatch.flatMap { Int($0.1) } ?? 0
        if score.hasPrefix("diverged") {
            (mean, std) = (.nan, .nan)
        } else if let m = score.firstMatch(of: /^(-?[\d.]+) ± ([\d.]+) %/), let a = Double(m.1), let b = Double(m.2) {
            (mean, std) = (a, b)
        } else {
            return nil
        }
    }
}

/// A KD table section as Markdown (for RESULTS.md) and as one JSON line.
struct KDTableReport {
    let section: KDTableSection
    /// Each row's scores, by method name.
    let scores: [String: KDTableRowScore]
    let seeds: [Int]
    /// Every run's and store fill's recorded wall time, summed.
    let totalSeconds: Double

    var methods: [KDTableMethod] { section.methods }

    /// Mean and sample standard deviation of a row's last-epoch top-1 in percent.
    func top1(_ name: String) -> (mean: Double, std: Double) {
        let score = scores[name]
        return (score?.mean ?? .nan, score?.std ?? .nan)
    }

    /// How many of a row's seeds diverged (their loss went non-finite; they have no score).
    func diverged(_ name: String) -> Int { scores[name]?.diverged ?? 0 }

    func seconds(_ name: String) -> Double { scores[name]?.seconds ?? 0 }

    /// A row's top-1 less its baseline's.
    func delta(_ name: String, _ baseline: String) -> Double {
        scores[name]?.standingDelta ?? (top1(name).mean - top1(baseline).mean)
    }

    var markdown: String {
        var lines = [
            "| method | distils | pipeline | top-1 (mean ± std, \(seeds.count) seeds) | Δ vs baseline | time per run |",
            "|---|---|---|---|---|---|",
        ]
        for method in methods {
            let (mean, std) = top1(method.name)
            let delta =
                method.baseline.flatMap { baseline in
                    let difference = self.delta(method.name, baseline)
                    return difference.isNaN ? nil : String(format: "%+.2f", difference) + " (vs \(baseline))"
                } ?? "—"
            let failed = diverged(method.name)
            var score = mean.isNaN ? "diverged" : String(format: "%.2f ± %.2f %%", mean, std)
            if failed > 0 { score += " (\(failed) of \(seeds.count) seeds diverged)" }
            let time = String(format: "%.0f s", seconds(method.name))
            lines.append(
                "| \(method.name) | \(method.distils) | `\(method.pipeline)` | \(score) | \(delta) | \(time) |")
        }
        let below = methods.filter { method in
            method.baseline.map { !(top1(method.name).mean > top1($0).mean) } ?? false
        }
        if !below.isEmpty {
            lines += [
                "",
                "Not above their baseline (or diverged): " + below.map { "`\($0.name)`" }.joined(separator: ", ") + ".",
            ]
        }
        lines += [""] + section.notes(self)
        return lines.joined(separator: "\n")
    }

    var json: String {
        let prefix = section.name.replacingOccurrences(of: "-", with: "_")
        var object: [String: Double] = ["\(prefix)_total_s": totalSeconds.rounded()]
        for method in methods {
            let (mean, std) = top1(method.name)
            // JSON has no NaN: a row without a score (every seed diverged) has no top-1 key.
            func put(_ key: String, _ value: Double) {
                if !value.isNaN { object["\(prefix)_\(method.name)_\(key)"] = (value * 100).rounded() / 100 }
            }
            put("top1", mean)
            put("std", std)
            if let baseline = method.baseline { put("delta", delta(method.name, baseline)) }
            if diverged(method.name) > 0 { object["\(prefix)_\(method.name)_diverged"] = Double(diverged(method.name)) }
        }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The scores and total time of the section as `results` (RESULTS.md) has it, for a re-run of
    /// some rows that keeps the others' (the total to the minute the table prints).
    static func standing(_ section: KDTableSection, in results: URL) throws -> (
        scores: [String: KDTableRowScore], totalSeconds: Double
    ) {
        let lines = try linesBetweenMarkers(section.name, in: results)
        var scores: [String: KDTableRowScore] = [:]
        for method in section.methods {
            if let line = lines.first(where: { $0.hasPrefix("| \(method.name) |") }) {
                scores[method.name] = KDTableRowScore(standingLine: line)
            }
        }
        let minutes = lines.lazy.compactMap { $0.firstMatch(of: /Whole (?:section|table): (\d+) min/) }.first
        guard let minutes, let total = Double(minutes.1) else {
            throw WorkerError(command: results.path, status: 1, output: "\(section.name): no 'Whole … min' line")
        }
        return (scores, total * 60)
    }

    /// Replaces what stands between the section's markers in `results` (RESULTS.md).
    func write(into results: URL) throws { try writeBetweenMarkers(section.name, markdown, into: results) }
}

/// Replaces what stands between `<!-- name:begin -->` and `<!-- name:end -->` in `results`.
func writeBetweenMarkers(_ name: String, _ markdown: String, into results: URL) throws {
    let (text, start, stop) = try markedRange(name, in: results)
    let generated = "\n<!-- generated by Benchmarks/run kd-table; do not edit by hand -->\n" + markdown + "\n"
    try (text[..<start.upperBound] + generated + text[stop.lowerBound...]).write(
        to: results, atomically: true, encoding: .utf8)
}

/// The lines between `<!-- name:begin -->` and `<!-- name:end -->` in `results`.
func linesBetweenMarkers(_ name: String, in results: URL) throws -> [String] {
    let (text, start, stop) = try markedRange(name, in: results)
    return text[start.upperBound..<stop.lowerBound].split(separator: "\n").map(String.init)
}

private func markedRange(_ name: String, in results: URL) throws -> (String, Range<String.Index>, Range<String.Index>) {
    let text = try String(contentsOf: results, encoding: .utf8)
    let (begin, end) = ("<!-- \(name):begin -->", "<!-- \(name):end -->")
    guard let start = text.range(of: begin), let stop = text.range(of: end), start.upperBound <= stop.lowerBound
    else {
        throw WorkerError(command: results.path, status: 1, output: "no \(begin) … \(end) markers")
    }
    return (text, start, stop)
}
