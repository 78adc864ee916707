import KDAutodiff
import KDTensor

/// Cross-entropy with hard labels, averaged over the labelled samples, with optional label
/// smoothing (PyTorch's F.cross_entropy(label_smoothing: ε): target (1 − ε)·onehot + ε/C).
/// A negative label marks a sample without one (an unlabeled source's, as PyTorch's
/// ignore_index): it adds nothing and gets no gradient; a batch without labels gives 0.
public func crossEntropy(logits: Variable, labels: [Int], labelSmoothing: Float = 0) -> Variable {
    precondition(
        logits.shape.rank == 2 && logits.shape[0] == labels.count,
        "cross_entropy: logits \(logits.shape) for \(labels.count) labels")
    let (n, c) = (logits.shape[0], logits.shape[1])
    let off = labelSmoothing / Float(c), on = 1 - labelSmoothing + off
    let labelled = labels.filter { $0 >= 0 }.count
    let target = Tensor(shape: [n, c]) { t in
        t.update(repeating: 0)
        for (i, y) in labels.enumerated() where y >= 0 {
            precondition(y < c, "cross_entropy: label \(y) of sample \(i) outside 0..<\(c)")
            for j in 0..<c { t[i * c + j] = off }
            t[i * c + y] = on
        }
    }
    return -(logits.logSoftmax() * Variable(constant: target)).sum() / Float(max(labelled, 1))
}

/// The `cross_entropy` kind: `input` logits against the batch's labels.
public struct CrossEntropyLoss: LossFunction {
    /// ε of label smoothing.
    public var labelSmoothing: Float
    public init(labelSmoothing: Float) { self.labelSmoothing = labelSmoothing }
    public var roles: [String] { ["input"] }
    public var needsLabels: Bool { true }
    public func loss(_ inputs: [String: Variable], labels: [Int]?) -> Variable {
        crossEntropy(logits: inputs["input"]!, labels: labels!, labelSmoothing: labelSmoothing)
    }
}

extension LossKind {
    static let crossEntropy = LossKind(
        name: "cross_entropy", doc: "hard labels (rows labelled `noLabel` are skipped)",
        inputs: [LossInput(name: "input", required: true, doc: "logits"), .target],
        options: [.number("label_smoothing", 0, .unitHalfOpen, "mass spread uniformly over the classes")],
        shapes: .logits
    ) { o throws(LossOptionError) in CrossEntropyLoss(labelSmoothing: try o.number("label_smoothing")) }
}
