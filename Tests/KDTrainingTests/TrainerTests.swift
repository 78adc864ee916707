import Foundation
@testable import KDLoss
@testable import KDNN
@testable import KDPipeline
@testable import KDTensor
@testable import KDTraining
import Testing

@Suite(.serialized) struct TrainerTests {
    @Test func trainsOnRealDataAndWritesItsOutputs() throws {
        let plan = mlpPlan("learns", epochs: 2)
        let summary = try Trainer(plan: plan, log: { _ in }).run()
        let top1 = try #require(summary.final["student"]?.top1)
        #expect(top1 > 0.80, "an MLP on Fashion-MNIST should pass 80% within two epochs, got \(top1)")
        let dir = plan.outputDirectory
        for file in ["metrics.jsonl", "best.safetensors", "student.safetensors", "checkpoints/last.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path), "missing \(file)")
        }
        let lines = try String(contentsOf: dir.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(
            separator: "\n")
        #expect(lines.count == 2 * 50 + 2, "50 step records and 1 epoch record per epoch")
    }

    @Test func stopAndResumeReachTheSameWeightsAsAnUninterruptedRun() throws {
        let straight = mlpPlan("straight", epochs: 2)
        _ = try Trainer(plan: straight, log: { _ in }).run()

        let interrupted = mlpPlan("interrupted", epochs: 2, checkpointEvery: 7)
        let stop = StopSignal()
        var steps = 0
        let trainer = try Trainer(plan: interrupted, log: { _ in })
        trainer.onStep = { _ in
            steps += 1
            if steps == 61 { stop.raise() }
        }
        #expect(throws: TrainingStopped.self) { try trainer.run(stop: stop) }
        _ = try Trainer(plan: interrupted, log: { _ in }).run(resume: true)

        let a = try Safetensors(contentsOf: straight.outputDirectory.appendingPathComponent("student.safetensors"))
        let b = try Safetensors(contentsOf: interrupted.outputDirectory.appendingPathComponent("student.safetensors"))
        #expect(a.entries.keys.sorted() == b.entries.keys.sorted())
        for name in a.entries.keys {
            #expect(a.entries[name]!.bytes == b.entries[name]!.bytes, "\(name) differs after resume")
        }
        let lines = try String(
            contentsOf: interrupted.outputDirectory.appendingPathComponent("metrics.jsonl"), encoding: .utf8
        )
        .split(separator: "\n")
        #expect(lines.count == 2 * 50 + 2, "a resumed run's log has each step once")
    }

    @Test func pipelinedAndInlineExecutorsGiveBitIdenticalWeights() throws {
        let pipelined = mlpPlan("pipelined", epochs: 1)
        _ = try Trainer(plan: pipelined, log: { _ in }).run(executor: .pipelined)
        let inline = mlpPlan("inline", epochs: 1)
        _ = try Trainer(plan: inline, log: { _ in }).run(executor: .inline)
        let a = try Safetensors(contentsOf: pipelined.outputDirectory.appendingPathComponent("student.safetensors"))
        let b = try Safetensors(contentsOf: inline.outputDirectory.appendingPathComponent("student.safetensors"))
        for name in a.entries.keys { #expect(a.entries[name]!.bytes == b.entries[name]?.bytes, "\(name) differs") }
    }

    @Test func anOptimisersScheduleRunsOverThePhasesThatStepIt() throws {
        // RepDistiller's init stage, then a main stage with a full cosine of its own.
        var plan = mlpPlan("phased-schedule", epochs: 3)
        plan.phases = [
            .init(name: "init", epochs: 1, optimizers: ["warm"]),
            .init(name: "main", epochs: 2, optimizers: ["student"]),
        ]
        plan.optimizers = [
            .init(name: "warm", learningRate: 0.01, parameters: ["student"]),
            .init(name: "student", learningRate: 0.05, schedule: .cosine(minFactor: 0), parameters: ["student"]),
        ]
        _ = try Trainer(plan: plan, log: { _ in }).run()
        let steps = try String(
            contentsOf: plan.outputDirectory.appendingPathComponent("metrics.jsonl"), encoding: .utf8
        ).split(separator: "\n").compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["kind"] as? String == "step" }
        let factors = Dictionary(grouping: steps) { $0["epoch"] as! Int }.mapValues {
            $0.sorted { ($0["batch"] as! Int) < ($1["batch"] as! Int) }.map { $0["lr_factor"] as! Double }
        }
        #expect(factors[1]?.allSatisfy { $0 == 1 } == true, "the init optimiser has a constant schedule")
        // The main optimiser's cosine starts at 1 in its first epoch (not at the run's third) and
        // ends near 0 at the run's end: progress (50 + 49) / 100 of its two epochs.
        #expect(factors[2]?.first == 1)
        let last = try #require(factors[3]?.last)
        #expect(abs(last - 0.5 * (1 + cos(Double.pi * 0.99))) < 1e-12)
    }

    @Test func aNonFiniteLossStopsNamingTheTerm() throws {
        var plan = mlpPlan("nan", epochs: 1)
        plan.optimizers[0].learningRate = 1e30
        do {
            _ = try Trainer(plan: plan, log: { _ in }).run()
            Issue.record("training with lr 1e30 did not stop")
        } catch let failure as StageFailure {
            #expect(failure.stage == "step")
            guard case let .nonFiniteLoss(term, _, _, _)? = failure.underlying as? TrainingError else {
                Issue.record("\(failure.underlying)")
                return
            }
            #expect(term == "ce")
            #expect("\(failure)".contains("loss term 'ce'"))
        }
    }
}

/// OverHaul's `margin: bn` margins come from the loaded teacher's batch-norm when the trainer starts.
@Suite struct OverhaulMarginTests {
    func plan(prefix: String) -> TrainingPlan {
        var plan = mlpPlan("overhaul-bn-\(prefix)", epochs: 1)
        plan.models.insert(.init(name: "teacher", arch: "resnet8", inChannels: 1, classes: 10, frozen: true), at: 0)
        plan.forwards.insert(.init(name: "teacher", model: "teacher", stream: "augment", taps: ["logits"]), at: 0)
        plan.loss.terms.append(
            LossTerm(
                name: "ofd",
                function: OverhaulLoss(margin: .teacherBatchNorm(TeacherBatchNorm(model: "teacher", prefix: prefix))),
                bindings: ["student": "student.logits", "teacher": "teacher.logits"], weight: LossWeight(1)))
        return plan
    }

    @Test func marginsResolveFromTheLoadedTeacherOrNameTheMissingBatchNorm() throws {
        _ = try Trainer(plan: plan(prefix: "layer3.0.bn2"), log: { _ in })
        #expect {
            _ = try Trainer(plan: plan(prefix: "layer9.bn"), log: { _ in })
        } throws: { "\($0)".contains("loss.ofd: model 'teacher' has no batch-norm 'layer9.bn' (weight and bias)") }
    }
}
