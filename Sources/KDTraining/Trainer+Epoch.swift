import Foundation
import KDData
import KDPipeline
import KDTensor

/// Which executor runs the stages of an epoch.
public enum ExecutorKind: String, Sendable, CaseIterable {
    /// Each stage on its own thread, joined by bounded channels.
    case pipelined
    /// Stage after stage on the calling thread (the deterministic reference).
    case inline
}

/// What flows between the stages of a training epoch.
enum StageValue: Sendable {
    case batch(Batch)
    case teacher([String: Tensor])
}

/// Carries the trainer's non-Sendable state into stage closures. Safe because each captured
/// object is used by exactly one stage (the teacher models by the teacher stage; the trainable
/// models, optimisers, metrics and progress by the student stage), which the executor never runs
/// concurrently with itself, and the trainer reads them only after the executor has returned.
final class StageState<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}

extension Trainer {
    /// One epoch (from the batch `progress` says) through augment → teacher → student.
    func trainEpoch(_ epoch: Int, progress: inout TrainingProgress, teacher: TeacherForward, step: TrainingStep,
                    metrics: MetricsLog?, executor: ExecutorKind, stop: StopSignal) throws -> RunReport {
        let loader = self.loader, batches = loader.batchCount, first = progress.batchInEpoch, share = collective.share
        let order = loader.order(epoch: epoch)
        let augment = plan.augmentStage
        let teacherState = StageState(teacher)
        let studentState = StageState((progress: progress, step: step, metrics: metrics, trainer: self))
        let cancellation = CancellationToken()

        // Pipelined, the teacher forward and the student step run kernels at the same time: each
        // gets its share of the thread budget while both do (the whole of it while the other
        // waits; a teacher served from its store is not computing).
        let pipelined = executor == .pipelined

        var stages = ExecutionPlan<StageValue>()
        stages.addSource(augment) { i in .batch(loader.batch(first + i, epoch: epoch, order: order, share: share)) }
        if !teacher.isEmpty {
            stages.addStage("teacher", inputs: [augment]) { _, inputs in
                guard case .batch(let batch) = inputs[0] else { preconditionFailure("teacher stage expects a batch") }
                return .teacher(try teacherState.value(batch, sharingThreads: pipelined))
            }
        }
        stages.addSink("student", inputs: teacher.isEmpty ? [augment] : [augment, "teacher"]) { _, inputs in
            guard case .batch(let batch) = inputs[0] else { preconditionFailure("student stage expects a batch") }
            var teacherOutputs: [String: Tensor] = [:]
            if inputs.count > 1, case .teacher(let outputs) = inputs[1] { teacherOutputs = outputs }
            let s = studentState.value
            let train = { try s.step(batch, teacher: teacherOutputs, batchesPerEpoch: batches, stop: stop.isRaised) }
            let record = try pipelined ? ThreadBudget.sharing(train) : train()
            studentState.value.progress.batchInEpoch = batch.index + 1
            studentState.value.progress.globalStep = record.globalStep
            s.trainer.onStep(record)
            s.metrics?.append(["kind": "step", "epoch": epoch + 1, "batch": batch.index, "global_step": record.globalStep,
                              "lr_factor": record.learningRateFactor, "loss": Double(record.total),
                              "terms": record.terms.mapValues { Double($0) }])
            let checkEvery = s.trainer.weightCheckEvery
            if s.trainer.collective.size > 1, checkEvery > 0, record.globalStep % checkEvery == 0 {
                try s.trainer.collective.checkIdentical(s.trainer.trainedParameters, step: record.globalStep)
            }
            // Ranks stop after the same step: on the request any rank had when its step began.
            if s.trainer.collective.size > 1 ? record.stopRequested : stop.isRaised {
                cancellation.cancel()
            } else if s.trainer.plan.checkpointEverySteps > 0, record.globalStep % s.trainer.plan.checkpointEverySteps == 0,
                      batch.index + 1 < batches {
                try s.trainer.saveCheckpoint(studentState.value.progress, s.metrics)
            }
        }
        let report: RunReport
        switch executor {
        case .pipelined:
            report = try PipelinedExecutor(capacity: plan.channelCapacity).run(stages, batches: batches - first, cancellation: cancellation)
        case .inline:
            report = try InlineExecutor().run(stages, batches: batches - first, cancellation: cancellation)
        }
        progress = studentState.value.progress
        return report
    }
}
