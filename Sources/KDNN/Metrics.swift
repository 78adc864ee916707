import KDTensor

/// Accumulates classification metrics over batches: top-1, top-5, mean loss, confusion matrix.
public struct ClassificationMetrics: Sendable {
    /// Number of classes.
    public let classes: Int
    /// confusion[true][predicted].
    public private(set) var confusion: [[Int]]
    /// Samples seen.
    public private(set) var count = 0
    private var top1Hits = 0, top5Hits = 0
    private var lossSum = 0.0

    public init(classes: Int) {
        self.classes = classes
        confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    /// Adds a batch of logits [N, classes], labels and the batch's mean loss.
    public mutating func add(logits: Tensor, labels: [Int], meanLoss: Float? = nil) {
        precondition(
            logits.rank == 2 && logits.shape[1] == classes && logits.shape[0] == labels.count,
            "metrics: logits \(logits.shape) for \(labels.count) labels of \(classes) classes")
        logits.withUnsafeBufferPointer { l in
            for (i, label) in labels.enumerated() {
                let row = l.baseAddress! + i * classes
                var best = 0
                var higher = 0
                for c in 0..<classes {
                    if row[c] > row[best] { best = c }
                    if row[c] > row[label] { higher += 1 }
                }
                confusion[label][best] += 1
                if best == label { top1Hits += 1 }
                if higher < 5 { top5Hits += 1 }
            }
        }
        if let meanLoss { lossSum += Double(meanLoss) * Double(labels.count) }
        count += labels.count
    }

    /// Fraction of samples whose highest logit is the label.
    public var top1: Double { count == 0 ? 0 : Double(top1Hits) / Double(count) }
    /// Fraction of samples whose label is among the five highest logits.
    public var top5: Double { count == 0 ? 0 : Double(top5Hits) / Double(count) }
    /// Mean of the per-batch losses, weighted by batch size.
    public var meanLoss: Double { count == 0 ? 0 : lossSum / Double(count) }
}
