import KDNN

// Residual blocks, node for node as their `forward`. The ResNets' shortcut is torchvision's
// `downsample` (1×1 conv + BN) where the shape changes, the identity elsewhere; the wide
// ResNet's is a 1×1 conv of the activated input.

extension BasicBlock: ONNXLowerable {
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var out = graph.relu(try graph.lower(bn1, named: "bn1", try graph.lower(conv1, named: "conv1", input)))
        out = try graph.lower(bn2, named: "bn2", try graph.lower(conv2, named: "conv2", out))
        return graph.relu(graph.add(out, try shortcut(input, downsample, graph)))
    }
}

extension Bottleneck: ONNXLowerable {
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var out = graph.relu(try graph.lower(bn1, named: "bn1", try graph.lower(conv1, named: "conv1", input)))
        out = graph.relu(try graph.lower(bn2, named: "bn2", try graph.lower(conv2, named: "conv2", out)))
        out = try graph.lower(bn3, named: "bn3", try graph.lower(conv3, named: "conv3", out))
        return graph.relu(graph.add(out, try shortcut(input, downsample, graph)))
    }
}

/// A ResNet block's shortcut: `downsample` when the block has one, the input otherwise.
private func shortcut(_ input: String, _ downsample: Sequential?, _ graph: ONNXGraphBuilder) throws -> String {
    try downsample.map { try graph.lower($0, named: "downsample", input) } ?? input
}

extension WideBasicBlock: ONNXLowerable {
    /// Dropout, when the block has it, is the identity in evaluation mode and emits nothing.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        let activated = graph.relu(try graph.lower(bn1, named: "bn1", input))
        var out = graph.relu(try graph.lower(bn2, named: "bn2", try graph.lower(conv1, named: "conv1", activated)))
        out = try graph.lower(conv2, named: "conv2", out)
        let shortcut = try convShortcut.map { try graph.lower($0, named: "convShortcut", activated) } ?? input
        return graph.add(out, shortcut)
    }
}
