import Foundation
import KDData
import KDTraining

/// `scale`: steps/s of `kdflow run` as one process (both cores' kernel threads) and as two
/// `mpirun` ranks (one core each) on this machine, for a KD run (small CNN teacher → MLP
/// 784-1200-1200-10, global batch 128) and the student alone, with the allreduce's share of the
/// two-rank epoch (its wait for the slower rank included).
func runScaleBenchmark(_ args: [String]) throws {
    let root = referenceDirectory.deletingLastPathComponent().deletingLastPathComponent()
    let kdflow = root.appendingPathComponent(".build/release/kdflow").path
    try runChecked(
        "/usr/bin/env", ["swift", "build", "-c", "release", "--product", "kdflow", "--package-path", root.path],
        environment: ["KDFLOW_MPI": "1"])
    let dataRoot = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-data")
    try FashionMNIST.importMissing(root: dataRoot)
    let out = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("kdflow-bench-scale")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    let data = FashionMNIST.shardDirectories(root: dataRoot).test
    let workloads = [("kd cnn → mlp 1200-1200", true), ("mlp 1200-1200 alone", false)].map { name, teacher in
        (
            name: name, file: out.appendingPathComponent(teacher ? "kd.yaml" : "student.yaml"),
            text: pipeline(data: data, teacher: teacher)
        )
    }
    for w in workloads { try w.text.write(to: w.file, atomically: true, encoding: .utf8) }
    print("workload                  ranks  threads/rank  steps/s  allreduce s  allreduce share")
    var ratios: [Double] = [], shares: [Double] = []
    for workload in workloads {
        var rates: [Double] = []
        for ranks in [1, 2] {
            let dir = out.appendingPathComponent("run-\(rates.count)")
            let arguments = ["run", workload.file.path, "outputs.dir=\(dir.path)", "--weight-check-every", "0"]
            if ranks == 1 {
                try runChecked(kdflow, arguments)
            } else {
                try runChecked(
                    "/usr/bin/env",
                    ["mpirun", "-np", "2", "--oversubscribe", "--allow-run-as-root", kdflow] + arguments)
            }
            let epochs = try epochRecords(dir)
            // The last epoch: the first one also pays for starting threads and the teacher's first batches.
            let last = epochs[epochs.count - 1], steps = Double(last["global_step"] as! Int) / Double(epochs.count)
            let seconds = last["train_seconds"] as! Double, allreduce = last["allreduce_s"] as? Double
            rates.append(steps / seconds)
            print(
                String(
                    format: "%-24@  %5d  %12d  %7.2f  %@", workload.name, ranks,
                    ranks == 1 ? ProcessInfo.processInfo.activeProcessorCount : 1,
                    steps / seconds,
                    allreduce.map { String(format: "%11.2f  %15.3f", $0, $0 / seconds) }
                        ?? "          —                —"))
            if let allreduce, ranks == 2 { shares.append(allreduce / seconds) }
        }
        ratios.append(rates[1] / rates[0])
    }
    print(String(format: "two ranks / one process: %.3f (kd), %.3f (student alone)", ratios[0], ratios[1]))
    printJSONLine([
        "ranks2_over_ranks1": (ratios[0] * 1000).rounded() / 1000,
        "ranks2_over_ranks1_student_only": (ratios[1] * 1000).rounded() / 1000,
        "allreduce_share": (shares[0] * 1000).rounded() / 1000,
        "allreduce_share_student_only": (shares[1] * 1000).rounded() / 1000,
    ])
}

/// The benchmark's pipeline: an untrained frozen CNN teacher (its cost is what matters) and an MLP
/// student for one epoch of the test split, or the student alone (cross-entropy) for two.
private func pipeline(data: URL, teacher: Bool) -> String {
    let kd = """
          teacher: {arch: cnn, in_channels: 1, classes: 10, frozen: true}
        stages:
          augment: {from: data.train, ops: [{hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 2}
          teacher: {forward: teacher, from: augment}
          student: {forward: student, from: augment}
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels, weight: 0.1}
          kd: {kind: kd, student: student.logits, teacher: teacher.logits, temperature: 4, weight: 0.9}
        """
    let alone = """
        stages:
          augment: {from: data.train, ops: [{hflip: 0.5}, {normalize: {mean: [0.286], std: [0.353]}}], views: 2}
          student: {forward: student, from: augment}
        loss:
          ce: {kind: cross_entropy, input: student.logits, target: augment.labels}
        """
    return """
        kdflow: 1
        name: scale
        seed: 4
        epochs: \(teacher ? 1 : 2)
        data:
          train: {shards: \(data.path)}
          batch: 128
          drop_last: true
        models:
          student: {arch: mlp, in_channels: 1, classes: 10, hidden: [1200, 1200]}
        \(teacher ? kd : alone)
        optimisers:
          student: {kind: sgd, lr: 0.05, momentum: 0.9, params: [student]}
        """
}
