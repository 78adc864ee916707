import Foundation

/// A run's `metrics.jsonl`: its step and epoch records, and evaluation top-1 per model and epoch.
struct RunMetrics {
    /// One evaluated epoch.
    struct Epoch {
        var epoch: Int
        /// Top-1 (a fraction) by model name.
        var top1: [String: Double]
    }

    /// The records as written, by kind.
    var stepRecords: [[String: Any]] = [], epochRecords: [[String: Any]] = []
    /// The evaluated epochs, in order.
    var epochs: [Epoch] = []

    /// Reads `<run>/metrics.jsonl`; a line that is not a JSON object is an error naming it.
    init(run: URL) throws {
        let url = run.appendingPathComponent("metrics.jsonl")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TrainingError.report("\(url.path): cannot be read (is \(run.path) a kdflow run directory?)")
        }
        for (i, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw TrainingError.report("\(url.path):\(i + 1): not a JSON object")
            }
            if object["kind"] as? String == "step" { stepRecords.append(object) }
            guard object["kind"] as? String == "epoch" else { continue }
            epochRecords.append(object)
            guard let epoch = object["epoch"] as? Int, let eval = object["eval"] as? [String: [String: Double]] else {
                continue
            }
            epochs.append(Epoch(epoch: epoch, top1: eval.compactMapValues { $0["top1"] }))
        }
    }
}
