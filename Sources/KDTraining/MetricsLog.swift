import Foundation

/// `metrics.jsonl`: one JSON object per line — a `step` record per optimisation step and an
/// `epoch` record per evaluation. Lines are appended and flushed as they are written.
final class MetricsLog {
    let url: URL
    private let handle: FileHandle

    /// Opens the log; when resuming, drops records past `keepThroughStep` so a resumed run does
    /// not repeat lines.
    init(url: URL, keepThroughStep: Int?) throws {
        self.url = url
        let fm = FileManager.default
        if let keep = keepThroughStep, let data = fm.contents(atPath: url.path) {
            let kept = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { line in
                guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let step = obj["global_step"] as? Int
                else { return false }
                return step <= keep
            }
            try Data((kept.joined(separator: "\n") + (kept.isEmpty ? "" : "\n")).utf8).write(to: url)
        } else {
            guard fm.createFile(atPath: url.path, contents: nil) else {
                throw TrainingError.setup("\(url.path): cannot be created")
            }
        }
        handle = try FileHandle(forWritingTo: url)
        try handle.seekToEnd()
    }

    deinit { try? handle.close() }

    /// Appends one record.
    func append(_ record: [String: Any]) {
        guard let data = try? JSONSerialization.data(withJSONObject: record, options: [.sortedKeys]) else { return }
        handle.write(data + Data("\n".utf8))
    }

    /// Forces the log to disk (at checkpoints).
    func sync() { try? handle.synchronize() }
}
