import Foundation
import KDData
import KDLoss
import KDTraining

/// Fashion-MNIST's test split imported once per test process (10,000 real samples: small enough
/// to train on in seconds).
let fashionTest: URL = {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kdflow-training-tests-\(getpid())")
    try! FashionMNIST.importMissing(root: root)
    return FashionMNIST.shardDirectories(root: root).test
}()

/// Fashion-MNIST's training split (60,000 samples), imported with the test split.
let fashionTrain: URL = {
    _ = fashionTest
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kdflow-training-tests-\(getpid())")
    return FashionMNIST.shardDirectories(root: root).train
}()

/// A fresh run directory.
func runDirectory(_ name: String) -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kdflow-run-\(getpid())-\(name)")
    try? FileManager.default.removeItem(at: dir)
    return dir
}

/// A small MLP trained with cross-entropy on the test split (train and eval on the same data:
/// these tests check mechanics, not generalisation).
func mlpPlan(_ name: String, epochs: Int = 2, checkpointEvery: Int = 0) -> TrainingPlan {
    TrainingPlan(
        name: name, seed: 11, phases: [.init(name: "main", epochs: epochs)], batchSize: 200,
        trainData: [fashionTest], evalData: fashionTest,
        streams: [
            .init(name: "augment", ops: [.hflip(probability: 0.5), .normalize(mean: [0.286], std: [0.353])], views: 2)
        ],
        forwards: [.init(name: "student", model: "student", stream: "augment")],
        models: [.init(name: "student", arch: "mlp", inChannels: 1, classes: 10, hidden: [64])],
        loss: LossGraph(terms: [
            LossTerm(
                name: "ce", function: CrossEntropyLoss(labelSmoothing: 0), bindings: ["input": "student.logits"],
                weight: LossWeight(1))
        ]),
        optimizers: [
            .init(name: "student", learningRate: 0.05, momentum: 0.9, nesterov: true, parameters: ["student"])
        ],
        outputDirectory: runDirectory(name), exportModel: "student", checkpointEverySteps: checkpointEvery)
}

/// The kdflow binary built beside the test bundle.
let kdflowBinary = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("kdflow")

/// Starts `kdflow ARGUMENTS` with its output discarded.
func launchKdflow(_ arguments: [String]) throws -> Process {
    let p = Process()
    p.executableURL = kdflowBinary
    p.arguments = arguments
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    return p
}

/// Runs `kdflow ARGUMENTS` to the end: its exit status and standard output; with `ranks`, under
/// `mpirun -np RANKS` on this machine, and with the ranks' error output too.
func runKdflow(_ arguments: [String], ranks: Int? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = ranks == nil ? kdflowBinary : mpirun
    p.arguments =
        ranks.map { ["-np", "\($0)", "--oversubscribe", "--allow-run-as-root", kdflowBinary.path] + arguments }
        ?? arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = ranks == nil ? FileHandle.nullDevice : pipe
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return (p.terminationStatus, output)
}

/// The `epoch` records of a run's `metrics.jsonl`.
func epochRecords(_ run: URL) throws -> [[String: Any]] {
    try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        .filter { $0["kind"] as? String == "epoch" }
}
