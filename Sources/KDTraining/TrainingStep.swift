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
    var learningRateFactor: Double
    public var total: Float
    public var terms: [String: Float]
    /// Whether this or (data-parallel) any rank was asked to stop after this step.
    var stopRequested = false
}

/// What one step reads: the batch's samples, each stream's images, and the frozen stages' values.
struct StepInputs {
    let samples: SampleBatch
    /// Images by stream name.
    let images: [String: Tensor]
    /// Frozen forwards' and ensembles' values, named `<stage>.<output>`.
    let values: [String: Tensor]
}

/// The trainable part of the DAG: forwards the trainable models (each forward stage on its own
/// stream; a model forwarded by several stages shares one leaf per parameter, so their gradients
/// add) and the connectors on one tape, evaluates the loss graph, and applies every active optimiser.
final class TrainingStep {
    let plan: TrainingPlan
    let models: ModelSet
    let optimizers: [BuiltOptimizer]
    let collective: any Collective
    /// The trainable forwards and connectors each phase runs, in phase order (`TrainingPlan.stepStages`).
    private let stagesByPhase: [Set<String>]
    /// Each optimiser's schedule and the epochs it steps in (`TrainingPlan.steppingEpochs`), in
    /// `optimizers`' order.
    private let schedules: [(schedule: LearningRateSchedule, epochs: [Int])]
    /// Seconds spent averaging steps over the ranks since the last `takeAverageSeconds`.
    private var averageSeconds = 0.0

    init(
        plan: TrainingPlan, models: ModelSet, optimizers: [BuiltOptimizer],
        collective: any Collective = SingleProcess()
    ) {
        self.plan = plan
        self.models = models
        self.optimizers = optimizers
        self.collective = collective
        stagesByPhase = plan.phases.map(plan.stepStages)
        schedules = optimizers.map { o in
            let epochs = plan.steppingEpochs(of: o.name)
            let schedule = LearningRateSchedule(
                decay: o.plan.schedule, warmupEpochs: o.plan.warmupEpochs, totalEpochs: epochs.count)
            return (schedule, epochs)
        }
    }

    /// The allreduce time since the last call.
    func takeAverageSeconds() -> Double {
        defer { averageSeconds = 0 }
        return averageSeconds
    }

    /// Step `globalStep` (0-based) on this rank's rows of a global batch; `stop` is this rank's stop
    /// request, and the record says whether any rank made one.
    func callAsFunction(_ inputs: StepInputs, globalStep: Int, batchesPerEpoch: Int, stop: Bool = false) throws
        -> StepRecord
    {
        let batch = inputs.samples
        let epochProgress = Double(batch.epoch) + Double(batch.index) / Double(max(batchesPerEpoch, 1))
        let phaseIndex = plan.phaseIndex(ofEpoch: batch.epoch)
        let phase = plan.phases[phaseIndex]
        let tape = Tape()
        let random = CounterRandom(seed: plan.seed, stream: 0xD0_0D).substream(UInt64(globalStep))
        var tensors: [String: Variable] = inputs.values.mapValues { Variable(constant: $0) }
        // One context per trainable model, in model order, whatever stages forward it.
        var contexts: [String: ForwardContext] = [:]
        for m in models.models where !m.plan.frozen {
            contexts[m.name] = ForwardContext(
                tape: tape, training: true, random: random.substream(UInt64(contexts.count)))
        }
        let needed = stagesByPhase[phaseIndex]
        for forward in plan.trainableForwards where needed.contains(forward.name) {
            guard let model = models.model(forward.model), let ctx = contexts[forward.model],
                let images = inputs.images[forward.stream]
            else {
                throw TrainingError.setup(
                    "stage '\(forward.name)': model '\(forward.model)' or stream '\(forward.stream)' is missing")
            }
            for (name, v) in model.run(Variable(constant: images), ctx) { tensors["\(forward.name).\(name)"] = v }
        }
        var allContexts = models.models.compactMap { contexts[$0.name] }
        if !models.connectors.isEmpty {
            let ctx = ForwardContext(tape: tape, training: true, random: random, samplePositions: batch.members)
            allContexts.append(ctx)
            for c in models.connectors where needed.contains(c.name) {
                var inputs: [String: Variable] = [:]
                for (field, value) in c.plan.inputs {
                    guard let input = tensors[value] else {
                        throw LossGraph.MissingInput(term: c.name, role: field, tensor: value)
                    }
                    inputs[field] = input
                }
                for (output, v) in c.connector.outputs(inputs, ctx) { tensors["\(c.name).\(output)"] = v }
            }
        }
        let (total, terms) = try plan.loss.evaluate(
            tensor: { tensors[$0] }, labels: batch.labels, epoch: epochProgress,
            active: phase.loss)
        for (term, value) in terms.sorted(by: { $0.key < $1.key }) where !value.isFinite {
            throw TrainingError.nonFiniteLoss(term: term, epoch: batch.epoch, batch: batch.index, value: value)
        }
        let grads = tape.gradients(of: total)
        var gradient: (Parameter) -> Tensor? = { p in
            allContexts.lazy.compactMap { $0.leaf(for: p) }.first.flatMap { grads[$0] }
        }
        var record = StepRecord(
            epoch: batch.epoch, batch: batch.index, globalStep: globalStep + 1, learningRateFactor: 1,
            total: total.value.scalar, terms: terms, stopRequested: stop)
        // The optimisers this phase steps, each at its place on its own schedule: the epochs it
        // stepped in before this one, plus this epoch's fraction.
        let epochFraction = Double(batch.index) / Double(max(batchesPerEpoch, 1))
        let active = zip(optimizers, schedules).compactMap { o, s in
            s.epochs.firstIndex(of: batch.epoch).map { (o, s.schedule.factor(atEpoch: Double($0) + epochFraction)) }
        }
        if collective.size > 1 {
            let parameters = active.flatMap { $0.0.optimizer.groups.flatMap { $0.parameters.map(\.1) } }
            let averaged = try collective.average(
                parameters: parameters, gradient: gradient, total: record.total,
                terms: terms, rows: batch.count, stop: stop)
            gradient = { averaged.gradients[ObjectIdentifier($0)] }
            (record.total, record.terms, record.stopRequested) = (averaged.total, averaged.terms, averaged.stop)
            averageSeconds += averaged.seconds
        }
        for (o, factor) in active {
            record.learningRateFactor = factor
            o.optimizer.scheduleFactor = Float(factor)
            o.optimizer.step(gradient: gradient)
        }
        return record
    }
}
