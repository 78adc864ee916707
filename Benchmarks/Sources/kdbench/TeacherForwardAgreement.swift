import Foundation
import KDAutodiff
import KDData
import KDNN
import KDTensor
import KDTraining

/// How the planned forward of a trained teacher (`--weights`) agrees with the training path's
/// eval forward on Fashion-MNIST's test split, normalised as the quickstart does; nil when the
/// data set is not installed.
func testSplitAgreement(_ model: Classifier, _ plan: InferencePlan) throws -> String? {
    guard FashionMNIST.isInstalled() else { return nil }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("kdbench-fashion")
    try FashionMNIST.importMissing(root: root)
    let data = try ShardedDataset(directory: FashionMNIST.shardDirectories(root: root).test)
    let augmenter = try Augmenter(
        ops: [.normalize(mean: [FashionMNIST.mean], std: [FashionMNIST.std])], views: 1, seed: 0,
        input: data.layout)
    let loader = try DataLoader(dataset: data, batchSize: 500, shuffle: false, seed: 0, augmenter: augmenter)
    var samples = 0, sameArgmax = 0
    var maxRelative: Float = 0
    for batch in loader.epoch(0) {
        let planned = plan(batch.images)["logits"]!
        let eval = model(Variable(constant: batch.images), ForwardContext(tape: nil, training: false)).value
        samples += batch.count
        sameArgmax += zip(planned.argmaxLastAxis(), eval.argmaxLastAxis()).filter { $0 == $1 }.count
        let scale = eval.scalars.map(abs).max() ?? 1
        maxRelative = max(maxRelative, (zip(planned.scalars, eval.scalars).map { abs($0 - $1) }.max() ?? 0) / scale)
    }
    return "test split: argmax identical on \(sameArgmax)/\(samples) samples, max |Δ| / max |logit| \(maxRelative)"
}
