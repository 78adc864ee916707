import Foundation
import KDNN
import KDTensor

/// The step node across a run: the training step, where the run stands (the one count of steps),
/// the metrics log, and the cadence of cross-rank weight checks and mid-epoch checkpoints.
final class StudentStage {
    let step: TrainingStep
    let metrics: MetricsLog?
    /// Where the run stands; the trainer advances the epoch and the best result at epoch ends.
    var progress: TrainingProgress
    /// Steps between checks that every rank holds the same weights (0: only at the start).
    let weightCheckEvery: Int
    let onStep: (StepRecord) -> Void

    init(
        step: TrainingStep, progress: TrainingProgress, metrics: MetricsLog?, weightCheckEvery: Int,
        onStep: @escaping (StepRecord) -> Void
    ) {
        self.step = step
        self.progress = progress
        self.metrics = metrics
        self.weightCheckEvery = weightCheckEvery
        self.onStep = onStep
    }

    var plan: TrainingPlan { step.plan }
    var collective: any Collective { step.collective }

    /// The parameters the optimisers update, by name (what must stay identical across ranks).
    var trainedParameters: [(String, Parameter)] {
        step.optimizers.flatMap { $0.optimizer.groups.flatMap(\.parameters) }
    }

    /// Trains on one batch and logs it; true when the run stops after it (ranks stop after the same
    /// step: on the request any rank had when its step began).
    func train(_ inputs: StepInputs, batchesPerEpoch: Int, stop: StopSignal, sharingThreads: Bool) throws -> Bool {
        let run = {
            try self.step(
                inputs, globalStep: self.progress.globalStep, batchesPerEpoch: batchesPerEpoch, stop: stop.isRaised)
        }
        let record = try sharingThreads ? ThreadBudget.sharing(run) : run()
        let batch = inputs.samples
        progress.batchInEpoch = batch.index + 1
        progress.globalStep = record.globalStep
        onStep(record)
        metrics?.append([
            "kind": "step", "epoch": batch.epoch + 1, "batch": batch.index, "global_step": record.globalStep,
            "lr_factor": record.learningRateFactor, "loss": Double(record.total),
            "terms": record.terms.mapValues { Double($0) },
        ])
        if collective.size > 1, weightCheckEvery > 0, record.globalStep % weightCheckEvery == 0 {
            try collective.checkIdentical(trainedParameters, step: record.globalStep)
        }
        if collective.size > 1 ? record.stopRequested : stop.isRaised { return true }
        if plan.checkpointEverySteps > 0, record.globalStep % plan.checkpointEverySteps == 0,
            batch.index + 1 < batchesPerEpoch
        {
            try saveCheckpoint()
        }
        return false
    }

    /// Saves weights, optimiser states and progress (rank 0 only).
    func saveCheckpoint() throws {
        guard collective.isLeader, let metrics else { return }
        metrics.sync()
        try TrainingCheckpoint.save(
            run: plan.outputDirectory, progress: progress, models: step.models, optimizers: step.optimizers)
    }
}
