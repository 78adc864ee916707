import KDAutodiff
import KDData
import KDLoss
import KDNN
import KDTensor

/// Evaluates models on a labelled dataset in evaluation mode: top-1, top-5, mean loss.
public struct Evaluator {
    let loader: DataLoader

    /// An evaluator over `dataset` with the plan's evaluation preprocessing.
    public init(dataset: ShardedDataset, ops: [AugmentOp], batchSize: Int, seed: UInt64) throws {
        let augmenter = try Augmenter(ops: ops, views: 1, seed: seed, input: dataset.layout)
        loader = try DataLoader(
            dataset: dataset, batchSize: batchSize, dropLast: false, shuffle: false, seed: seed,
            augmenter: augmenter)
    }

    /// Metrics of each model over the whole dataset.
    public func evaluate(_ models: [(name: String, model: Classifier)], classes: Int) -> [String: ClassificationMetrics]
    {
        var metrics = Dictionary(
            uniqueKeysWithValues: models.map { ($0.name, ClassificationMetrics(classes: classes)) })
        for batch in loader.epoch(0) {
            guard let labels = batch.labels else { continue }
            let x = Variable(constant: batch.images)
            for m in models {
                let logits = m.model(x, ForwardContext(tape: nil, training: false))
                let loss = crossEntropy(logits: logits, labels: labels).value.scalar
                metrics[m.name]!.add(logits: logits.value, labels: labels, meanLoss: loss)
            }
        }
        return metrics
    }
}
