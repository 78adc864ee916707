import Foundation
import KDData
import KDLoss
import KDTraining

/// `pipeline`: one epoch on Fashion-MNIST's test split, run pipelined and inline with the same seed,
/// for two DAGs: the chain (a frozen CNN teacher + MLP KD student on one stream) and a DAG (two live
/// CNN teachers on two augmentation streams, their ensemble, the student on the strong stream).
/// Prints epoch times, each stage's busy time, and the pipelined epoch over the busiest stage.
func runPipelineBenchmark(_ args: [String]) throws {
    let root = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-data")
    try FashionMNIST.importMissing(root: root)
    let data = FashionMNIST.shardDirectories(root: root).test
    let normalize = AugmentOp.normalize(mean: [0.286], std: [0.353])
    let student = TrainingPlan.ModelPlan(
        name: "student", arch: "mlp", inChannels: 1, classes: 10, hidden: [1200, 1200])
    let ce = LossTerm(
        name: "ce", function: CrossEntropyLoss(labelSmoothing: 0), bindings: ["input": "student.logits"],
        weight: LossWeight(0.1))
    func plan(_ name: String, dag: Bool) -> TrainingPlan {
        let teachers = (dag ? ["t1", "t2"] : ["teacher"]).map {
            TrainingPlan.ModelPlan(name: $0, arch: "cnn", inChannels: 1, classes: 10, frozen: true)
        }
        let streams: [TrainingPlan.StreamPlan] =
            dag
            ? [
                .init(name: "weak", ops: [.hflip(probability: 0.5), normalize], views: 0),
                .init(
                    name: "strong",
                    ops: [
                        .padCrop(size: 28, pad: 2), .hflip(probability: 0.5), .cutout(size: 8, probability: 1),
                        normalize,
                    ], views: 0),
            ]
            : [
                .init(
                    name: "augment", ops: [.padCrop(size: 28, pad: 2), .hflip(probability: 0.5), normalize], views: 4)
            ]
        let forwards: [TrainingPlan.ForwardPlan] =
            dag
            ? [
                .init(name: "t1", model: "t1", stream: "weak"), .init(name: "t2", model: "t2", stream: "strong"),
                .init(name: "student", model: "student", stream: "strong"),
            ]
            : [
                .init(name: "teacher", model: "teacher", stream: "augment"),
                .init(name: "student", model: "student", stream: "augment"),
            ]
        let kd = LossTerm(
            name: "kd", function: KnowledgeDistillationLoss(temperature: 4, standardize: false),
            bindings: ["student": "student.logits", "teacher": dag ? "ensemble.logits" : "teacher.logits"],
            weight: LossWeight(0.9))
        return TrainingPlan(
            name: name, seed: 3, phases: [.init(name: "main", epochs: 1)], batchSize: 128, trainData: [data],
            evalData: nil,
            streams: streams, forwards: forwards,
            ensembles: dag ? [.init(name: "ensemble", members: ["t1.logits", "t2.logits"])] : [],
            models: teachers + [student], loss: LossGraph(terms: [ce, kd]),
            optimizers: [.init(name: "student", learningRate: 0.05, momentum: 0.9, parameters: ["student"])],
            outputDirectory: URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
                "kdflow-bench-\(name)"),
            exportModel: "student")
    }
    var json: [String: Any] = [:]
    for dag in [false, true] {
        var results: [ExecutorKind: (seconds: Double, stages: [(String, Double)])] = [:]
        for kind in [ExecutorKind.inline, .pipelined] {
            let trainer = try Trainer(plan: plan((dag ? "dag-" : "") + kind.rawValue, dag: dag), log: { _ in })
            let summary = try trainer.run(executor: kind)
            guard let record = try epochRecords(trainer.plan.outputDirectory).last else {
                throw WorkerError(
                    command: "pipeline benchmark", status: 1,
                    output: "no epoch record in \(trainer.plan.outputDirectory.path)")
            }
            let stages = (record["stages"] as? [[String: Any]] ?? []).map {
                ($0["name"] as! String, $0["busy_s"] as! Double)
            }
            results[kind] = (record["train_seconds"] as? Double ?? summary.seconds, stages)
        }
        let pipelined = results[.pipelined]!, inline = results[.inline]!
        let busiest = pipelined.stages.map(\.1).max() ?? .nan
        print(
            (dag
                ? "DAG: two live teachers on two streams, their ensemble, the student"
                : "chain: one teacher, one stream, the student"))
        let widths = pipelined.stages.map { max(10, $0.0.count + 2) }
        func cell(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        print(
            "executor     epoch s" + zip(pipelined.stages, widths).map { cell($0.0, $1) }.joined()
                + "   (busy s per stage)")
        for (name, r) in [("inline", inline), ("pipelined", pipelined)] {
            print(
                name.padding(toLength: 10, withPad: " ", startingAt: 0) + cell(String(format: "%.2f", r.seconds), 10)
                    + zip(r.stages, widths).map { cell(String(format: "%.2f", $0.1), $1) }.joined())
        }
        let overBusiest = pipelined.seconds / busiest, overInline = pipelined.seconds / inline.seconds
        print(
            String(
                format: "pipelined / busiest stage %.3f (target ≤ 1.1); pipelined / inline %.3f (target < 1)",
                overBusiest, overInline))
        let prefix = dag ? "dag_" : ""
        json[prefix + "pipelined_over_busiest"] = (overBusiest * 1000).rounded() / 1000
        json[prefix + "pipelined_over_inline"] = (overInline * 1000).rounded() / 1000
    }
    printJSONLine(json)
}
