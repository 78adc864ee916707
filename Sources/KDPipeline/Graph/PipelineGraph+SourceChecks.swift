extension PipelineGraph {
    /// `data.train` as a list must name at least one source, each shard directory once: a source
    /// listed twice would be drawn twice as often and its sample ids would collide.
    func checkTrainSources(_ spec: PipelineSpec, _ problems: inout [Diagnostic]) {
        if let entry = spec.root["data"]?.entry("train"), let list = entry.value.list, list.isEmpty {
            problems.append(
                Diagnostic(at: entry.keyLocation, keyPath: "data.train", "an empty list names no training source"))
        }
        var seen: [String: String] = [:]
        for source in spec.data.train where !source.shards.isEmpty {
            if let first = seen[source.shards] {
                problems.append(
                    Diagnostic(
                        at: source.location, keyPath: "\(source.name).shards",
                        "shards '\(source.shards)' are already read by \(first); list each source once"))
            } else {
                seen[source.shards] = source.name
            }
        }
    }
}
