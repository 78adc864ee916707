import Foundation
import KDCache
import KDData
import KDLoss
import KDPipeline
import KDTraining
import Testing

/// The file's DAG is what runs: every stream, frozen forward and ensemble is a node of the
/// executor, one model may be forwarded on several streams, and both executors agree bit for bit.
@Suite(.serialized) struct DAGTrainingTests {
    static let normalize = AugmentOp.normalize(mean: [0.286], std: [0.353])

    /// Two streams, two teachers (one stored), an ensemble of both, and the student forwarded on both streams.
    func dagPlan(_ name: String, store: URL) -> TrainingPlan {
        var plan = mlpPlan(name, epochs: 3)
        plan.streams = [
            .init(name: "weak", ops: [.hflip(probability: 0.5), Self.normalize], views: 2),
            .init(
                name: "strong", ops: [.padCrop(size: 28, pad: 2), .cutout(size: 8, probability: 1), Self.normalize],
                views: 0),
        ]
        plan.models = [
            .init(name: "t1", arch: "mlp", inChannels: 1, classes: 10, hidden: [32], frozen: true),
            .init(name: "t2", arch: "mlp", inChannels: 1, classes: 10, hidden: [48], frozen: true),
            .init(name: "student", arch: "mlp", inChannels: 1, classes: 10, hidden: [64]),
        ]
        plan.forwards = [
            .init(
                name: "t1", model: "t1", stream: "weak",
                store: StorePlan(
                    model: "t1", directory: store, options: StoreOptions(encoding: .init(precision: .fp16)))),
            .init(name: "t2", model: "t2", stream: "strong"),
            .init(name: "s_weak", model: "student", stream: "weak"),
            .init(name: "s_strong", model: "student", stream: "strong"),
        ]
        plan.ensembles = [
            .init(name: "both", members: ["t1.logits", "t2.logits"], weights: [1, 3], over: .probabilities)
        ]
        plan.loss = LossGraph(terms: [
            LossTerm(
                name: "ce", function: CrossEntropyLoss(labelSmoothing: 0), bindings: ["input": "s_strong.logits"],
                weight: LossWeight(0.5)),
            LossTerm(
                name: "kd_ens", function: KnowledgeDistillationLoss(temperature: 4, standardize: false),
                bindings: ["student": "s_weak.logits", "teacher": "both.logits"], weight: LossWeight(0.5)),
            LossTerm(
                name: "kd_t2", function: KnowledgeDistillationLoss(temperature: 2, standardize: false),
                bindings: ["student": "s_strong.logits", "teacher": "t2.logits"], weight: LossWeight(0.2)),
        ])
        return plan
    }

    @Test func anyDAGTrainsBitIdenticallyInlineAndPipelined() throws {
        let inline = try Trainer(plan: dagPlan("dag-inline", store: runDirectory("dag-inline-store")), log: { _ in })
        let inlineSummary = try inline.run(executor: .inline)
        let pipelined = try Trainer(
            plan: dagPlan("dag-pipelined", store: runDirectory("dag-pipelined-store")), log: { _ in })
        let pipelinedSummary = try pipelined.run(executor: .pipelined)
        #expect(try Data(contentsOf: inlineSummary.exported) == Data(contentsOf: pipelinedSummary.exported))
        // Every node of the plan ran, under its own name, and the stored teacher hit from epoch `views` on.
        let records = try epochRecords(pipelined.plan.outputDirectory)
        let stages = (records[0]["stages"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(stages == ["data.train", "weak", "strong", "t1", "t2", "both", "step"])
        #expect(pipelined.plan.stages.map(\.name) == stages)
        let hits = records.map { (($0["store"] as? [String: Any])?["t1"] as? [String: Any])?["hit_rate"] as? Double }
        #expect(hits == [0, 0, 1])
        #expect(inlineSummary.final["student"]!.top1 > 0.5)
    }

    /// A model forwarded by two stages gets the sum of both gradients: two half-weighted terms on two
    /// forwards of one stream train exactly as one full term on one forward.
    @Test func twoForwardsOfOneModelAddTheirGradients() throws {
        let single = try Trainer(plan: mlpPlan("forward-once", epochs: 1), log: { _ in }).run(executor: .inline)
        var twice = mlpPlan("forward-twice", epochs: 1)
        twice.forwards = [
            .init(name: "a", model: "student", stream: "augment"),
            .init(name: "b", model: "student", stream: "augment"),
        ]
        twice.loss = LossGraph(
            terms: ["a", "b"].map {
                LossTerm(
                    name: "ce_\($0)", function: CrossEntropyLoss(labelSmoothing: 0),
                    bindings: ["input": "\($0).logits"], weight: LossWeight(0.5))
            })
        let summary = try Trainer(plan: twice, log: { _ in }).run(executor: .pipelined)
        #expect(try Data(contentsOf: single.exported) == Data(contentsOf: summary.exported))
    }

    /// Each executor node and each step member of the plan is drawn once.
    @Test func graphDrawsEveryStageOfThePlan() throws {
        let plan = dagPlan("dag-graph", store: runDirectory("dag-graph-store"))
        let text = plan.renderStages().split(separator: "\n").map(String.init)
        #expect(
            text.map { $0.split(separator: " ").first.map(String.init) ?? "" }
                == [
                    "data.train", "weak", "strong", "t1", "t2", "both", "step", "s_weak", "s_strong", "loss.ce",
                    "loss.kd_ens",
                    "loss.kd_t2", "optimisers.student",
                ])
        #expect(text[5].hasSuffix("[ensemble over probabilities, weights 0.25, 0.75]  <- t1, t2"))
        let dot = plan.renderStagesDOT()
        for node in ["data.train", "weak", "strong", "t1", "t2", "both", "s_weak", "s_strong", "loss.kd_ens"] {
            #expect(dot.contains("  \"\(node)\" [") || dot.contains("    \"\(node)\" ["), "\(node)")
        }
        #expect(dot.contains("  \"both\" -> \"loss.kd_ens\" [label=\"logits\"];"))
        #expect(dot.contains("  \"strong\" -> \"s_strong\" [label=\"images\"];"))
    }

    /// A pipeline whose student reads `student_stream` and whose teacher reads `teacher_stream`.
    func streamsFile(student: String, teacher: String, extraModel: String = "", extraStage: String = "") -> String {
        """
        kdflow: 1
        name: streams-\(student)
        seed: 5
        epochs: 1
        data:
          train: {shards: \(fashionTest.path)}
          eval: {shards: \(fashionTest.path)}
          batch: 100
          drop_last: true
        models:
          teacher: {arch: mlp, in_channels: 1, classes: 10, hidden: [16], frozen: true}
          student: {arch: mlp, in_channels: 1, classes: 10, hidden: [64]}
          \(extraModel)
        stages:
          plain: {from: data.train, ops: [{normalize: {mean: [0.286], std: [0.353]}}], views: 1}
          blank: {from: data.train, ops: [{cutout: {size: 56}}, {normalize: {mean: [0.286], std: [0.353]}}], views: 1}
          teacher: {forward: teacher, from: \(teacher)}
          student: {forward: student, from: \(student)}
          \(extraStage)
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: \(student).labels}
          kd: {kind: kd, student: student.logits, teacher: teacher.logits, weight: 0.01}
        optimisers:
          student: {kind: sgd, lr: 0.05, params: [student]}
        outputs: {dir: \(runDirectory("streams-\(student)").path)}
        """
    }

    /// The acceptance case, through the real binary: a student fed only a blanked stream learns
    /// nothing, while the same file with the streams swapped trains it.
    @Test func aStudentLearnsFromItsOwnStreamOnly() throws {
        var top1: [String: Double] = [:]
        for (student, teacher) in [("blank", "plain"), ("plain", "blank")] {
            let file = runDirectory("streams-file-\(student)").path + ".yaml"
            try streamsFile(student: student, teacher: teacher).write(toFile: file, atomically: true, encoding: .utf8)
            let (status, output) = try runKdflow(["run", file, "--executor", "inline"])
            #expect(status == 0, "\(output)")
            let line = output.split(separator: "\n").first { $0.hasPrefix("student: top-1") } ?? ""
            top1[student] = Double(line.split(separator: " ")[2].dropLast()) ?? -1
        }
        #expect(top1["blank"]! <= 25, "student on the blank stream: \(top1["blank"]!) %")
        #expect(top1["plain"]! >= 70, "student on the plain stream: \(top1["plain"]!) %")
        // The same file pipelined exports the same student, and its graph draws every stage.
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("kdflow-run-\(getpid())-streams-blank")
        let file = run.path.replacingOccurrences(of: "streams-blank", with: "streams-file-blank") + ".yaml"
        let inlineStudent = try Data(contentsOf: run.appendingPathComponent("student.safetensors"))
        let (status, output) = try runKdflow(["run", file, "--executor", "pipelined"])
        #expect(status == 0, "\(output)")
        #expect(try Data(contentsOf: run.appendingPathComponent("student.safetensors")) == inlineStudent)
        let (_, dot) = try runKdflow(["graph", file, "--dot"])
        for node in ["data.train", "plain", "blank", "teacher", "student", "loss.ce", "loss.kd", "optimisers.student"] {
            #expect(dot.contains("\"\(node)\" [") || dot.contains("\"\(node)\" [shape"), "\(node) missing from\n\(dot)")
        }
    }

    /// What the file wires and the executor could not honour is a located error.
    @Test func validationRejectsWiringThatCouldNotRun() throws {
        let base = streamsFile(student: "plain", teacher: "blank")
        let cases: [(String, String)] = [
            (
                "loss.ce={kind: cross_entropy, input: student.logits, target: blank.labels}",
                "loss.ce.target: loss term 'ce' reads the labels of 'blank', but the model it trains is fed from 'plain'; read plain.labels"
            ),
            (
                "stages.student={forward: student, from: data.train}",
                "stages.student.from: stage 'student' forwards 'data.train'; a forward reads an augmentation stage's images"
            ),
            (
                "stages.blank={from: plain, ops: [{hflip: 0.5}]}",
                "stages.blank.from: augmentation stage 'blank' reads 'plain'; an augmentation stage renders its own views of data.train"
            ),
            (
                "loss.kd={kind: kd, student: student.logits, teacher: plain.images}",
                "loss.kd.teacher: loss term 'kd' reads 'plain.images', a stream's images; terms read model outputs"
            ),
        ]
        let added: [(String, String)] = [
            (
                "extra: {from: data.train, ops: [{hflip: 0.5}]}",
                "stages.extra: stage 'extra' computes outputs that no stage or loss term reads; remove it or read it"
            ),
            (
                "ens: {ensemble: [teacher.logits, student.logits]}",
                "stages.ens.ensemble: ensemble 'ens' reads 'student.logits'; it combines the logits of frozen forwards"
            ),
            (
                "ens: {ensemble: [teacher.logits, teacher.logits], weights: [1]}",
                "stages.ens.weights: 1 weights for 2 members; give one per member"
            ),
            (
                "a: {forward: teacher, from: plain, store: {dir: shared}}\n  b: {forward: teacher, from: plain, store: {dir: shared}}",
                "stages.b.store: stage 'b' stores into shared, as stage 'a' does; give each stored stage its own dir"
            ),
        ]
        for (stage, message) in added {
            do {
                _ = try PipelinePlanner.loader.load(
                    yaml: streamsFile(student: "plain", teacher: "blank", extraStage: stage), file: "streams.yaml")
                Issue.record("validated: \(stage)")
            } catch {
                let lines = error.diagnostics.map(\.description)
                #expect(
                    lines.contains { $0.contains("error: " + message) },
                    "\(stage)\ngot:\n\(lines.joined(separator: "\n"))")
            }
        }
        for (override, message) in cases {
            do {
                _ = try PipelinePlanner.loader.load(yaml: base, file: "streams.yaml", overrides: [override])
                Issue.record("validated: \(override)")
            } catch {
                let lines = error.diagnostics.map(\.description)
                #expect(
                    lines.contains { $0.contains("error: " + message) },
                    "\(override)\ngot:\n\(lines.joined(separator: "\n"))")
            }
        }
    }

    @Test func ensembleMembersMustHaveOneShape() throws {
        let yaml = streamsFile(
            student: "plain", teacher: "blank",
            extraModel: "other: {arch: mlp, in_channels: 1, classes: 7, frozen: true}",
            extraStage: "other: {forward: other, from: plain}\n  ens: {ensemble: [teacher.logits, other.logits]}"
        )
        .replacingOccurrences(of: "teacher: teacher.logits, weight", with: "teacher: ens.logits, weight")
        #expect {
            _ = try PipelinePlanner.loader.load(yaml: yaml, file: "ens.yaml")
        } throws: { error in
            "\(error)".contains(
                "error: stages.ens.ensemble: ensemble 'ens' combines teacher.logits [1, 10] with other.logits [1, 7]")
        }
    }
}
