import Foundation
import KDData
import KDLoss
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

/// Runs a training plan: epochs of the plan's stages (`TrainingPlan.stages`), evaluation every
/// epoch, best/last checkpoints, metrics, resume.
public final class Trainer {
    public let plan: TrainingPlan
    let models: ModelSet
    let optimizers: [BuiltOptimizer]
    /// The training samples' order and batches (rendered by each stream's augmenter).
    let loader: DataLoader
    /// Each stream's augmenter, by stage name.
    let augmenters: [String: Augmenter]
    /// One evaluator per distinct evaluation preprocessing, with the models it evaluates.
    let evaluators: [(evaluator: Evaluator, models: [String])]
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
    public init(
        plan: TrainingPlan, collective: any Collective = SingleProcess(),
        log: @escaping (String) -> Void = { print($0) }
    ) throws {
        self.plan = plan
        self.log = log
        let train = try DatasetUnion(directories: plan.trainData)
        loader = try DataLoader(
            sources: train, batchSize: plan.batchSize, dropLast: plan.dropLast, shuffle: plan.shuffle,
            seed: plan.seed)
        augmenters = try Dictionary(
            uniqueKeysWithValues: plan.streams.map { ($0.name, try plan.augmenter($0, input: train.layout)) })
        let evalDataset = try plan.evalData.map { try ShardedDataset(directory: $0) }
        if let dataset = evalDataset {
            var groups: [(ops: [AugmentOp], models: [String])] = []
            for m in plan.models {
                let ops = plan.evalOps(model: m.name)
                if let i = groups.firstIndex(where: { $0.ops == ops }) {
                    groups[i].models.append(m.name)
                } else {
                    groups.append((ops, [m.name]))
                }
            }
            evaluators = try groups.map {
                (
                    try Evaluator(dataset: dataset, ops: $0.ops, batchSize: plan.evalBatchSize, seed: plan.seed),
                    $0.models
                )
            }
        } else {
            evaluators = []
        }
        // Labels index the logits: every model must output each class the data's labels take.
        let evalClasses = evalDataset.map { $0.isLabeled ? $0.manifest.classes.count : 0 } ?? 0
        let (labelClasses, labelled) =
            train.classCount >= evalClasses
            ? (train.classCount, train.path) : (evalClasses, evalDataset!.directory.path)
        for m in plan.models where m.classes < labelClasses {
            throw TrainingError.setup(
                "model '\(m.name)' outputs \(m.classes) classes, but the labels of \(labelled) take \(labelClasses); set classes: \(labelClasses)"
            )
        }
        guard plan.batchSize <= train.count else {
            throw TrainingError.setup(
                "data.batch \(plan.batchSize) is larger than the \(train.count) training samples of \(train.path)")
        }
        if collective.size > 1,
            let c = plan.connectors.first(where: { ConnectorCatalog.kind(named: $0.kind)?.keyedBySample == true })
        {
            throw TrainingError.setup(
                "connector '\(c.name)' (\(c.kind)) keeps per-sample state that data-parallel ranks, each seeing only its rows, would let diverge; train it on one rank"
            )
        }
        let models = try ModelSet(plan: plan, trainingLabels: (0..<train.count).map { train.label(at: $0) ?? -1 })
        self.models = models
        // OverHaul's BN margins come from the loaded teacher's parameters.
        for term in plan.loss.terms {
            guard let overhaul = term.function as? OverhaulLoss, case .teacherBatchNorm(let source) = overhaul.margin
            else { continue }
            let parameters = Dictionary(
                models.model(source.model)?.namedParameters().map { ($0.0, $0.1.value) } ?? [],
                uniquingKeysWith: { first, _ in first })
            guard let gamma = parameters[source.prefix + ".weight"], let beta = parameters[source.prefix + ".bias"]
            else {
                throw TrainingError.setup(
                    "loss.\(term.name): model '\(source.model)' has no batch-norm '\(source.prefix)' (weight and bias)")
            }
            source.resolve(gamma: gamma, beta: beta)
        }
        optimizers = try plan.optimizers.map { try BuiltOptimizer($0, models: models) }
        classes = plan.model(named: plan.exportModel)?.classes ?? plan.models[0].classes
        self.collective = collective
    }

    /// Trains to the end (or until `stop` is raised) and returns the summary.
    public func run(resume: Bool = false, stop: StopSignal = StopSignal(), executor: ExecutorKind = .pipelined) throws
        -> TrainingSummary
    {
        let started = Date()
        let runDir = plan.outputDirectory
        try collective.checkShares(samples: loader.dataset.count, batch: plan.batchSize, dropLast: plan.dropLast)
        try FileManager.default.createDirectory(at: runDir, withIntermediateDirectories: true)
        var progress = TrainingProgress()
        if resume {
            guard let restored = try TrainingCheckpoint.load(run: runDir, models: models, optimizers: optimizers) else {
                throw TrainingError.setup("--resume: no checkpoint in \(TrainingCheckpoint.directory(runDir).path)")
            }
            // The pointer is a file: its progress must fit this plan before anything trusts it.
            guard restored.epoch >= 0, restored.epoch <= plan.epochs, restored.batchInEpoch >= 0,
                restored.batchInEpoch < max(loader.batchCount, 1), restored.globalStep >= 0,
                restored.globalStep <= plan.epochs * loader.batchCount
            else {
                throw TrainingError.damagedCheckpoint(
                    file: TrainingCheckpoint.pointerURL(runDir),
                    reason:
                        "progress (epoch \(restored.epoch), batch \(restored.batchInEpoch), step \(restored.globalStep)) does not fit this pipeline's \(plan.epochs) epochs of \(loader.batchCount) batches"
                )
            }
            progress = restored
            log("resuming at epoch \(progress.epoch + 1), batch \(progress.batchInEpoch) (step \(progress.globalStep))")
        } else if collective.isLeader {
            try TrainingCheckpoint.clear(run: runDir)
        }
        if collective.isLeader { try RunRecord(plan: plan).write(to: runDir) }
        let metrics =
            collective.isLeader
            ? try MetricsLog(
                url: runDir.appendingPathComponent("metrics.jsonl"),
                keepThroughStep: resume ? progress.globalStep : nil) : nil
        let frozen = try plan.frozenForwards.map { try FrozenForward($0, models: models) }
        for f in frozen {
            guard let store = f.store else { continue }
            let found = store.openReport
            log(
                "teacher store \(store.directory.path): \(store.count) samples"
                    + (found.rebuiltIndex ? ", index rebuilt" : "")
                    + (found.corrupt > 0 ? ", \(found.corrupt) damaged records skipped" : "")
                    + (found.tornTailBytes > 0 ? ", torn tail of \(found.tornTailBytes) bytes ignored" : ""))
        }
        let student = StudentStage(
            step: TrainingStep(plan: plan, models: models, optimizers: optimizers, collective: collective),
            progress: progress, metrics: metrics, weightCheckEvery: weightCheckEvery, onStep: onStep)
        if collective.size > 1 { try collective.checkIdentical(student.trainedParameters, step: progress.globalStep) }
        var final: [String: ClassificationMetrics] = [:]

        while student.progress.epoch < plan.epochs {
            let epoch = student.progress.epoch
            let epochStart = Date()
            let report = try trainEpoch(epoch, student: student, frozen: frozen, executor: executor, stop: stop)
            for f in frozen { try f.store?.flush() }
            if report.cancelled {
                try student.saveCheckpoint()
                throw TrainingStopped(progress: student.progress)
            }
            let trainSeconds = Date().timeIntervalSince(epochStart)
            // Frozen models do not change: evaluate them once per process and keep their result.
            if collective.isLeader { final.merge(evaluate(includeFrozen: final.isEmpty)) { $1 } }
            student.progress.epoch += 1
            student.progress.batchInEpoch = 0
            var record: [String: Any] = [
                "kind": "epoch", "epoch": epoch + 1, "global_step": student.progress.globalStep,
                "train_seconds": trainSeconds,
            ]
            record["stages"] = report.metrics.map {
                [
                    "name": $0.name, "items": $0.items, "busy_s": $0.busy, "input_wait_s": $0.waitingForInput,
                    "output_wait_s": $0.waitingForOutput, "items_per_s": $0.itemsPerSecond,
                ] as [String: Any]
            }
            var stores: [String: Any] = [:]
            for f in frozen {
                guard let store = f.store else { continue }
                let counters = store.takeMetrics()
                stores[f.name] = counters.record
                let drifted = counters.audit.values.map(\.exceeding).max() ?? 0
                if drifted > 0 {
                    log(
                        "warning: teacher store \(store.directory.path): \(drifted) audited samples differ from the live teacher beyond \(store.options.encoding) tolerance (`kdflow cache audit` names the records)"
                    )
                }
            }
            if !stores.isEmpty { record["store"] = stores }
            if collective.size > 1 {
                record["ranks"] = collective.size
                record["allreduce_s"] = student.step.takeAverageSeconds()
            }
            record["eval"] = final.mapValues { ["top1": $0.top1, "top5": $0.top5, "loss": $0.meanLoss] }
            metrics?.append(record)
            if let top1 = final[plan.exportModel]?.top1, top1 > student.progress.bestTop1 {
                student.progress.bestTop1 = top1
                student.progress.bestEpoch = epoch + 1
                try Checkpoint.save(
                    models.model(plan.exportModel)!, to: runDir.appendingPathComponent("best.safetensors"),
                    metadata: ["epoch": String(epoch + 1), "top1": String(top1)])
            }
            try student.saveCheckpoint()
            let accuracies = final.sorted { $0.key < $1.key }
                .map { String(format: "%@ %.2f%%", $0.key, 100 * $0.value.top1) }.joined(separator: ", ")
            onEpoch()
            log(
                String(
                    format: "epoch %d/%d  %.1fs  loss %.4f  eval: %@", epoch + 1, plan.epochs, trainSeconds,
                    (final[plan.exportModel]?.meanLoss ?? .nan), accuracies))
        }
        let exported = runDir.appendingPathComponent("\(plan.exportModel).safetensors")
        if collective.isLeader { try Checkpoint.save(models.model(plan.exportModel)!, to: exported) }
        // The other ranks return once rank 0's files exist (a `trained_by` run's weights, say).
        try collective.barrier()
        return TrainingSummary(
            final: final, bestTop1: student.progress.bestTop1, bestEpoch: student.progress.bestEpoch,
            seconds: Date().timeIntervalSince(started), exported: exported)
    }

    /// Evaluates the trainable models (and, when asked, the frozen teachers), each with its stream's
    /// evaluation preprocessing.
    private func evaluate(includeFrozen: Bool) -> [String: ClassificationMetrics] {
        var out: [String: ClassificationMetrics] = [:]
        for (evaluator, names) in evaluators {
            let chosen = models.models.filter { names.contains($0.name) && (includeFrozen || !$0.plan.frozen) }
                .map { ($0.name, $0.model as Classifier) }
            if !chosen.isEmpty { out.merge(evaluator.evaluate(chosen, classes: classes)) { $1 } }
        }
        return out
    }
}
