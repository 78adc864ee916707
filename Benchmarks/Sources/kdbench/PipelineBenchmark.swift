import Foundation
import KDData
import KDLoss
import KDTraining

/// `pipeline`: one epoch of a frozen CNN teacher + MLP KD student on Fashion-MNIST's test split,
/// run pipelined and inline with the same seed: epoch times, each stage's busy time, and the
/// pipelined epoch over the busiest stage.
func runPipelineBenchmark(_ args: [String]) throws {
    let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-data")
    try DatasetPreparation.ensureFashionMNIST(root: root)
    let data = DatasetPreparation.fashionMNIST(root: root).test
    func plan(_ name: String) -> TrainingPlan {
        TrainingPlan(
            name: name, seed: 3, phases: [.init(name: "main", epochs: 1)], batchSize: 128,
            trainData: [data], evalData: nil,
            augmentation: [.padCrop(size: 28, pad: 2), .hflip(probability: 0.5), .normalize(mean: [0.286], std: [0.353])],
            views: 4, evalAugmentation: [.normalize(mean: [0.286], std: [0.353])],
            models: [.init(name: "teacher", arch: "cnn", inChannels: 1, classes: 10, frozen: true),
                     .init(name: "student", arch: "mlp", inChannels: 1, classes: 10, hidden: [1200, 1200])],
            loss: LossGraph(terms: [
                LossTerm(name: "ce", function: CrossEntropyLoss(), bindings: ["input": "student.logits"], weight: LossWeight(0.1)),
                LossTerm(name: "kd", function: KnowledgeDistillationLoss(temperature: 4),
                         bindings: ["student": "student.logits", "teacher": "teacher.logits"], weight: LossWeight(0.9)),
            ]),
            optimizers: [.init(name: "student", learningRate: 0.05, momentum: 0.9, parameters: ["student"])],
            outputDirectory: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-\(name)"),
            exportModel: "student")
    }
    var results: [ExecutorKind: (seconds: Double, stages: [(String, Double)])] = [:]
    for kind in [ExecutorKind.inline, .pipelined] {
        let trainer = try Trainer(plan: plan(kind.rawValue), log: { _ in })
        let summary = try trainer.run(executor: kind)
        guard let record = try epochRecords(trainer.plan.outputDirectory).last else {
            throw WorkerError(command: "pipeline benchmark", status: 1, output: "no epoch record in \(trainer.plan.outputDirectory.path)")
        }
        let stages = (record["stages"] as? [[String: Any]] ?? []).map { ($0["name"] as! String, $0["busy_s"] as! Double) }
        results[kind] = (record["train_seconds"] as? Double ?? summary.seconds, stages)
    }
    let pipelined = results[.pipelined]!, inline = results[.inline]!
    let busiest = pipelined.stages.map(\.1).max() ?? .nan
    print("executor    epoch s   " + pipelined.stages.map { String(format: "%16@", "\($0.0) busy s") }.joined())
    for (name, r) in [("inline", inline), ("pipelined", pipelined)] {
        print(String(format: "%-10@ %8.2f   ", name, r.seconds) + r.stages.map { String(format: "%16.2f", $0.1) }.joined())
    }
    let overBusiest = pipelined.seconds / busiest, overInline = pipelined.seconds / inline.seconds
    print(String(format: "pipelined / busiest stage %.3f (target ≤ 1.1); pipelined / inline %.3f (target < 1)", overBusiest, overInline))
    printJSONLine(["pipelined_over_busiest": (overBusiest * 1000).rounded() / 1000,
                   "pipelined_over_inline": (overInline * 1000).rounded() / 1000])
}
