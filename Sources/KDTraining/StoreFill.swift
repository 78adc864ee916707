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
    public static func run(plan: TrainingPlan, shards: ClosedRange<Int>? = nil, share: (part: Int, of: Int) = (0, 1),
                           progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        let started = Date()
        guard !plan.stores.isEmpty else { throw ModelSet.BuildError(message: "\(plan.name): no stage has a store: entry") }
        guard plan.views > 0 else { throw ModelSet.BuildError(message: "\(plan.name): fill needs an augmentation with views: N > 0") }
        let data = try DatasetUnion(directories: plan.trainData)
        let augmenter = try Augmenter(ops: plan.augmentation, views: plan.views, seed: plan.seed, input: data.layout)
        let loader = try DataLoader(sources: data, batchSize: plan.batchSize, shuffle: false, seed: plan.seed,
                                    augmenter: augmenter, prefetch: 0)
        let selected = (0..<data.count).filter { shards?.contains(data.shard(of: $0)) ?? true }
        let members = Array(selected[(selected.count * share.part / share.of)..<(selected.count * (share.part + 1) / share.of)])
        var writable = plan.stores
        for i in writable.indices where writable[i].mode == .read { writable[i].mode = .readwrite }
        let teacher = try TeacherForward(models: try ModelSet(plan: plan), stores: writable)
        let batches = (members.count + plan.batchSize - 1) / plan.batchSize
        var report = Report(samples: members.count, views: plan.views)
        for view in 0..<plan.views {
            for b in 0..<batches {
                _ = try teacher(loader.batch(b, epoch: view, order: members))
                progress(view * batches + b + 1, plan.views * batches)
            }
            try teacher.flushStores()
        }
        report.metrics = teacher.takeStoreMetrics()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }
}
