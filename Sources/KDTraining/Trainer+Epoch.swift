import Foundation
import KDData
import KDPipeline
import KDTensor

/// Which executor runs the stages of an epoch.
public enum ExecutorKind: String, Sendable, CaseIterable {
    /// Each stage on its own serial Dispatch queue, joined by bounded channels.
    case pipelined
    /// Stage after stage on the calling thread (the deterministic reference).
    case inline
}

/// What flows between the stages of a training epoch.
enum StageValue: Sendable {
    /// The data node's batch of samples.
    case samples(SampleBatch)
    /// A stream's rendered views of them.
    case stream(Batch)
    /// A frozen forward's or an ensemble's outputs, by output name.
    case values([String: Tensor])
}

extension [String: StageValue] {
    func samples(_ input: String, for stage: String) throws -> SampleBatch {
        guard case .samples(let samples)? = self[input] else {
            throw TrainingError.wiring(stage: stage, input: input, expected: "samples")
        }
        return samples
    }

    func stream(_ input: String, for stage: String) throws -> Batch {
        guard case .stream(let batch)? = self[input] else {
            throw TrainingError.wiring(stage: stage, input: input, expected: "a stream's batch")
        }
        return batch
    }

    func values(_ input: String, for stage: String) throws -> [String: Tensor] {
        guard case .values(let values)? = self[input] else {
            throw TrainingError.wiring(stage: stage, input: input, expected: "tensors")
        }
        return values
    }
}

/// Carries the trainer's non-Sendable state into stage closures. Safe because each captured
/// object is used by exactly one stage (a frozen model by its forward stage; the trainable
/// models, optimisers, metrics and progress by the step), which the executor never runs
/// concurrently with itself, and the trainer reads them only after the executor has returned.
final class StageState<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

extension Trainer {
    /// One epoch (from the batch the student's progress says) through the plan's stages.
    func trainEpoch(
        _ epoch: Int, student: StudentStage, frozen: [FrozenForward], executor: ExecutorKind,
        stop: StopSignal
    ) throws -> RunReport {
        let loader = self.loader, batches = loader.batchCount, first = student.progress.batchInEpoch,
            share = collective.share
        let order = loader.order(epoch: epoch)
        let cancellation = CancellationToken()
        // Pipelined, frozen forwards and the step run kernels at the same time: each takes its share
        // of the thread budget while others compute (a forward served from its store is not computing).
        let pipelined = executor == .pipelined

        var stages = ExecutionPlan<StageValue>()
        for stage in plan.stages {
            let name = stage.name
            switch stage.kind {
            case .data:
                stages.addSource(name) { i in
                    .samples(loader.samples(first + i, epoch: epoch, order: order, share: share))
                }
            case .stream(let stream):
                guard let augmenter = augmenters[stream.name] else {
                    throw TrainingError.wiring(stage: name, input: name, expected: "an augmenter")
                }
                stages.addStage(name, inputs: stage.inputs) { _, inputs in
                    .stream(loader.render(try inputs.samples(TrainingPlan.dataStage, for: name), with: augmenter))
                }
            case .frozenForward(let forward):
                guard let node = frozen.first(where: { $0.name == forward.name }) else {
                    throw TrainingError.wiring(stage: name, input: name, expected: "a frozen model")
                }
                let state = StageState(node)
                stages.addStage(name, inputs: stage.inputs) { _, inputs in
                    .values(try state.value(try inputs.stream(forward.stream, for: name), sharingThreads: pipelined))
                }
            case .ensemble(let ensemble):
                let references = ensemble.members.map(Reference.init(parsing:))
                stages.addStage(name, inputs: stage.inputs) { _, inputs in
                    let members = try references.map { member in
                        guard let value = try inputs.values(member.node, for: name)[member.output ?? "logits"] else {
                            throw TrainingError.wiring(stage: name, input: member.description, expected: "a tensor")
                        }
                        return value
                    }
                    return .values(["logits": ensemble.combine(members)])
                }
            case .step:
                let state = StageState(student)
                let streams = Set(plan.trainableForwards.map(\.stream))
                stages.addSink(name, inputs: stage.inputs) { _, inputs in
                    var images: [String: Tensor] = [:], values: [String: Tensor] = [:]
                    for input in stage.inputs where input != TrainingPlan.dataStage {
                        if streams.contains(input) {
                            images[input] = try inputs.stream(input, for: name).images
                        } else {
                            for (output, value) in try inputs.values(input, for: name) {
                                values["\(input).\(output)"] = value
                            }
                        }
                    }
                    let step = StepInputs(
                        samples: try inputs.samples(TrainingPlan.dataStage, for: name), images: images, values: values)
                    if try state.value.train(step, batchesPerEpoch: batches, stop: stop, sharingThreads: pipelined) {
                        cancellation.cancel()
                    }
                }
            }
        }
        switch executor {
        case .pipelined:
            return try PipelinedExecutor(capacity: plan.channelCapacity).run(
                stages, batches: batches - first, cancellation: cancellation)
        case .inline:
            return try InlineExecutor().run(stages, batches: batches - first, cancellation: cancellation)
        }
    }
}
