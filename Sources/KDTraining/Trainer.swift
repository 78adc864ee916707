import Foundation
import KDData
import KDNN
import KDTensor

/// What a finished run reports.
public struct TrainingSummary: Sendable {
    /// Final evaluation of every model, by name.
    public var final: [String: ClassificationMetrics]
    /// Best top-1 of the exported model and its epoch (1-based).
    public var bestTop1: Double
    public var bestEpoch: Int
    /// Wall time of the whole run in seconds.
    public var seconds: Double
    /// Where the exported model was written.
    public var exported: URL
}

/// Runs a training plan: epochs of augment → teacher → student steps, evaluation every epoch,
/// best/last checkpoints, metrics, resume.
public final class Trainer {
    public let plan: TrainingPlan
    let models: ModelSet
    let optimizers: [(name: String, optimizer: Optimizer, plan: TrainingPlan.OptimizerPlan)]
    let loader: DataLoader
    let evaluator: Evaluator?
    let classes: Int
    let log: (String) -> Void
    /// The ranks training together (data-parallel); rank 0 alone writes files and evaluates.
    let collective: any Collective
    /// Steps between checks that every rank holds the same weights (0: only at the start).
    public var weightCheckEvery = 100
    /// Called after every optimisation step (progress display, tests).
    public var onStep: (StepRecord) -> Void = { _ in }
    /// Called after each epoch's evaluation, before its line is logged (progress display).
    public var onEpoch: () -> Void = {}

    /// Optimisation steps in one epoch.
    public var batchesPerEpoch: Int { loader.batchCount }

    /// Opens the data and builds models and optimisers; `log` receives progress lines.
    public init(plan: TrainingPlan, collective: any Collective = SingleProcess(),
                log: @escaping (String) -> Void = { print($0) }) throws {
        self.plan = plan
        self.log = log
        let train = try DatasetUnion(directories: plan.trainData)
        let augmenter = try Augmenter(ops: plan.augmentation, views: plan.views, seed: plan.seed, input: train.layout)
        loader = try DataLoader(sources: train, batchSize: plan.batchSize, dropLast: plan.dropLast, shuffle: plan.shuffle,
                                seed: plan.seed, augmenter: augmenter, prefetch: 0)
        evaluator = try plan.evalData.map {
            try Evaluator(dataset: try ShardedDataset(directory: $0), ops: plan.evalAugmentation,
                          batchSize: plan.evalBatchSize, seed: plan.seed)
        }
        let models = try ModelSet(plan: plan)
        self.models = models
        optimizers = try plan.optimizers.map { ($0.name, try OptimizerFactory.make($0, models: models), $0) }
        classes = plan.models.first { $0.name == plan.exportModel }?.classes ?? plan.models[0].classes
        self.collective = collective
    }

    /// Trains to the end (or until `stop` is raised) and returns the summary.
    public func run(resume: Bool = false, stop: StopSignal = StopSignal(), executor: ExecutorKind = .pipelined) throws -> TrainingSummary {
        let started = Date()
        let runDir = plan.outputDirectory
        try collective.checkShares(samples: loader.dataset.count, batch: plan.batchSize, dropLast: plan.dropLast)
        try FileManager.default.createDirectory(at: runDir, withIntermediateDirectories: true)
        var progress = TrainingProgress()
        if resume {
            guard let restored = try TrainingCheckpoint.load(run: runDir, models: models, optimizers: optimizers) else {
                throw ModelSet.BuildError(message: "--resume: no checkpoint in \(TrainingCheckpoint.directory(runDir).path)")
            }
            progress = restored
            log("resuming at epoch \(progress.epoch + 1), batch \(progress.batchInEpoch) (step \(progress.globalStep))")
        } else if collective.isLeader {
            try? FileManager.default.removeItem(at: TrainingCheckpoint.directory(runDir))
        }
        let metrics = collective.isLeader ? try MetricsLog(url: runDir.appendingPathComponent("metrics.jsonl"),
                                                           keepThroughStep: resume ? progress.globalStep : nil) : nil
        let teacher = try TeacherForward(models: models, stores: plan.stores)
        for t in teacher.teachers {
            guard let store = t.store else { continue }
            let found = store.openReport
            log("teacher store \(store.directory.path): \(store.count) samples" + (found.rebuiltIndex ? ", index rebuilt" : "")
                + (found.corrupt > 0 ? ", \(found.corrupt) damaged records skipped" : "")
                + (found.tornTailBytes > 0 ? ", torn tail of \(found.tornTailBytes) bytes ignored" : ""))
        }
        let step = TrainingStep(plan: plan, models: models, optimizers: optimizers, collective: collective)
        step.restore(globalStep: progress.globalStep)
        if collective.size > 1 { try collective.checkIdentical(trainedParameters, step: progress.globalStep) }
        var final: [String: ClassificationMetrics] = [:]

        while progress.epoch < plan.epochs {
            let epoch = progress.epoch
            let epochStart = Date()
            let report = try trainEpoch(epoch, progress: &progress, teacher: teacher, step: step, metrics: metrics,
                                        executor: executor, stop: stop)
            try teacher.flushStores()
            if report.cancelled {
                try saveCheckpoint(progress, metrics)
                throw TrainingStopped(progress: progress)
            }
            let trainSeconds = Date().timeIntervalSince(epochStart)
            // Frozen models do not change: evaluate them once per process and keep their result.
            if collective.isLeader { final.merge(evaluate(includeFrozen: final.isEmpty)) { $1 } }
            progress.epoch += 1
            progress.batchInEpoch = 0
            var record: [String: Any] = ["kind": "epoch", "epoch": epoch + 1, "global_step": progress.globalStep,
                                         "train_seconds": trainSeconds]
            record["stages"] = report.metrics.map {
                ["name": $0.name, "items": $0.items, "busy_s": $0.busy, "input_wait_s": $0.waitingForInput,
                 "output_wait_s": $0.waitingForOutput, "items_per_s": $0.itemsPerSecond] as [String: Any]
            }
            let stores = teacher.takeStoreMetrics()
            if !stores.isEmpty { record["store"] = stores.mapValues(\.record) }
            if collective.size > 1 { record["ranks"] = collective.size; record["allreduce_s"] = step.takeAverageSeconds() }
            record["eval"] = final.mapValues { ["top1": $0.top1, "top5": $0.top5, "loss": $0.meanLoss] }
            metrics?.append(record)
            if let top1 = final[plan.exportModel]?.top1, top1 > progress.bestTop1 {
                progress.bestTop1 = top1
                progress.bestEpoch = epoch + 1
                try Checkpoint.save(models.model(plan.exportModel)!, to: runDir.appendingPathComponent("best.safetensors"),
                                    metadata: ["epoch": String(epoch + 1), "top1": String(top1)])
            }
            try saveCheckpoint(progress, metrics)
            let accuracies = final.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.2f%%", $0.key, 100 * $0.value.top1) }.joined(separator: ", ")
            onEpoch()
            log(String(format: "epoch %d/%d  %.1fs  loss %.4f  eval: %@", epoch + 1, plan.epochs, trainSeconds,
                       (final[plan.exportModel]?.meanLoss ?? .nan), accuracies))
        }
        let exported = runDir.appendingPathComponent("\(plan.exportModel).safetensors")
        if collective.isLeader { try Checkpoint.save(models.model(plan.exportModel)!, to: exported) }
        // The other ranks return once rank 0's files exist (a `trained_by` run's weights, say).
        try collective.barrier()
        return TrainingSummary(final: final, bestTop1: progress.bestTop1, bestEpoch: progress.bestEpoch,
                               seconds: Date().timeIntervalSince(started), exported: exported)
    }

    /// The parameters the optimisers update, by name (what must stay identical across ranks).
    var trainedParameters: [(String, Parameter)] { optimizers.flatMap { $0.optimizer.groups.flatMap(\.parameters) } }

    func saveCheckpoint(_ progress: TrainingProgress, _ metrics: MetricsLog?) throws {
        guard collective.isLeader, let metrics else { return }
        metrics.sync()
        try TrainingCheckpoint.save(run: plan.outputDirectory, progress: progress, models: models, optimizers: optimizers)
    }

    /// Evaluates the trainable models (and, when asked, the frozen teachers).
    private func evaluate(includeFrozen: Bool) -> [String: ClassificationMetrics] {
        guard let evaluator else { return [:] }
        let chosen = models.models.filter { includeFrozen || !$0.plan.frozen }.map { ($0.name, $0.model as Classifier) }
        return evaluator.evaluate(chosen, classes: classes)
    }
}
