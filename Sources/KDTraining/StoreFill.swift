import Foundation
import KDCache
import KDData

/// `kdflow cache fill`: precomputes every view of every sample of every training source (of a
/// shard range, counted within each source) into the pipeline's stores, so training starts warm.
/// Samples already stored are skipped, so a killed fill resumes where it stopped; disjoint shard
/// ranges can be filled by separate processes.
public enum StoreFill {
    /// What a fill did.
    public struct Report: Sendable {
        public var samples = 0
        public var views = 0
        public var metrics: [String: StoreMetrics] = [:]
        public var seconds = 0.0
    }

    /// Fills the stores of `plan` for shards `shards` (nil: all) — of those samples only `share`'s
    /// contiguous part (an MPI rank's) — calling `progress` with (batches done, batches total).
    public static func run(
        plan: TrainingPlan, shards: ClosedRange<Int>? = nil, share: (part: Int, of: Int) = (0, 1),
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Report {
        let started = Date()
        let stored = plan.forwards.filter { $0.store != nil }
        guard !stored.isEmpty else { throw TrainingError.setup("\(plan.name): no stage has a store: entry") }
        let data = try DatasetUnion(directories: plan.trainData)
        let loader = try DataLoader(sources: data, batchSize: plan.batchSize, shuffle: false, seed: plan.seed)
        let selected = (0..<data.count).filter { shards?.contains(data.shard(of: $0)) ?? true }
        let members = Array(
            selected[(selected.count * share.part / share.of)..<(selected.count * (share.part + 1) / share.of)])
        let models = try ModelSet(plan: plan)
        let batches = (members.count + plan.batchSize - 1) / plan.batchSize
        var work: [(forward: FrozenForward, augmenter: Augmenter)] = []
        for var forward in stored {
            guard let stream = plan.stream(named: forward.stream), stream.views > 0 else {
                throw TrainingError.setup(
                    "\(plan.name): stage '\(forward.name)' reads '\(forward.stream)', which draws fresh views (views: 0); fill needs views: N > 0"
                )
            }
            if forward.store?.mode == .read { forward.store?.mode = .readwrite }
            work.append((try FrozenForward(forward, models: models), try plan.augmenter(stream, input: data.layout)))
        }
        let total = work.reduce(0) { $0 + $1.augmenter.views * batches }
        var report = Report(samples: members.count, views: work.map(\.augmenter.views).max() ?? 0)
        var done = 0
        for (forward, augmenter) in work {
            for view in 0..<augmenter.views {
                for b in 0..<batches {
                    _ = try forward(loader.render(loader.samples(b, epoch: view, order: members), with: augmenter))
                    done += 1
                    progress(done, total)
                }
                try forward.store?.flush()
            }
            if let store = forward.store { report.metrics[forward.name] = store.takeMetrics() }
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
