import Foundation
import KDAutodiff
import KDData
import KDLoss
import KDNN
import KDTensor

/// What one optimisation step reports.
public struct StepRecord: Sendable {
    public var epoch: Int
    public var batch: Int
    public var globalStep: Int
    public var learningRateFactor: Double
    public var total: Float
    public var terms: [String: Float]
}

/// A loss term became NaN or infinite; the step was not applied.
public struct NonFiniteLoss: Error, CustomStringConvertible {
    public let term: String, epoch: Int, batch: Int, value: Float
    public var description: String {
        "loss term '\(term)' is \(value) at epoch \(epoch + 1), batch \(batch); stopped before applying the step (the last checkpoint is intact)"
    }
}

/// The student stage: forwards the trainable models and connectors on one tape, evaluates the
/// loss graph against the teacher's outputs, and applies every active optimiser.
final class TrainingStep {
    let plan: TrainingPlan
    let models: ModelSet
    let optimizers: [(name: String, optimizer: Optimizer, plan: TrainingPlan.OptimizerPlan)]
    private(set) var globalStep = 0

    init(plan: TrainingPlan, models: ModelSet, optimizers: [(String, Optimizer, TrainingPlan.OptimizerPlan)]) {
        self.plan = plan
        self.models = models
        self.optimizers = optimizers
    }

    func restore(globalStep: Int) { self.globalStep = globalStep }

    func callAsFunction(_ batch: Batch, teacher: [String: Tensor], batchesPerEpoch: Int) throws -> StepRecord {
        let epochProgress = Double(batch.epoch) + Double(batch.index) / Double(max(batchesPerEpoch, 1))
        let phase = plan.phase(ofEpoch: batch.epoch)
        let tape = Tape()
        let random = CounterRandom(seed: plan.seed, stream: 0xD0_0D).substream(UInt64(globalStep))
        var contexts: [ForwardContext] = []
        var tensors: [String: Variable] = teacher.mapValues { Variable(constant: $0) }
        let x = Variable(constant: batch.images)
        for m in models.models where !m.plan.frozen {
            let ctx = ForwardContext(tape: tape, training: true, random: random.substream(UInt64(contexts.count)))
            contexts.append(ctx)
            for (name, v) in m.model.run(x, ctx) { tensors["\(m.name).\(name)"] = v }
        }
        if !models.connectors.isEmpty {
            let ctx = ForwardContext(tape: tape, training: true, random: random)
            contexts.append(ctx)
            for c in models.connectors {
                guard let input = tensors[c.plan.from] else { throw LossGraph.MissingInput(term: c.name, role: "from", tensor: c.plan.from) }
                tensors["\(c.name).out"] = c.connector(input, ctx)
            }
        }
        let (total, terms) = try plan.loss.evaluate(tensor: { tensors[$0] }, labels: batch.labels, epoch: epochProgress,
                                                     active: phase.loss)
        for (term, value) in terms.sorted(by: { $0.key < $1.key }) where !value.isFinite {
            throw NonFiniteLoss(term: term, epoch: batch.epoch, batch: batch.index, value: value)
        }
        let grads = tape.gradients(of: total)
        var factor = 1.0
        for o in optimizers where phase.optimizers?.contains(o.name) ?? true {
            let schedule = LearningRateSchedule(decay: o.plan.schedule, warmupEpochs: o.plan.warmupEpochs, totalEpochs: plan.epochs)
            factor = schedule.factor(atEpoch: epochProgress)
            o.optimizer.scheduleFactor = Float(factor)
            o.optimizer.step { p in contexts.lazy.compactMap { $0.leaf(for: p) }.first.flatMap { grads[$0] } }
        }
        globalStep += 1
        return StepRecord(epoch: batch.epoch, batch: batch.index, globalStep: globalStep, learningRateFactor: factor,
                          total: total.value.scalar, terms: terms)
    }
}
