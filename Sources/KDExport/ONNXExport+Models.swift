import KDNN
import KDTensor

/// A zoo model the exporter lowers, and the layer producing its logits (whose rows give the
/// graph output's width).
protocol ONNXClassifier: ONNXLowerable {
    var logitsLayer: Linear { get }
}

/// A zoo model whose head a composition may reuse or stop before (`Classifier.head`).
protocol ONNXBody: ONNXClassifier {
    /// The nodes up to the head's input map; returns its value's name.
    func lowerHeadInput(_ input: String, into graph: ONNXGraphBuilder) throws -> String
}

// Each model's graph, written as its `forward` in evaluation mode (taps are not outputs).

extension MLP: ONNXBody {
    var logitsLayer: Linear { fc }

    func lowerHeadInput(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var h = graph.flatten(input)
        for (i, layer) in hidden.enumerated() { h = graph.relu(try graph.lower(layer, named: "fc\(i + 1)", h)) }
        return h
    }

    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        try graph.lower(fc, named: "fc", try lowerHeadInput(input, into: graph))
    }
}

extension SmallCNN: ONNXBody {
    var logitsLayer: Linear { fc2 }

    func lowerHeadInput(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        let c1 = graph.relu(try graph.lower(conv1, named: "conv1", input))
        let c2 = graph.relu(try graph.lower(conv2, named: "conv2", c1))
        let pooled = graph.flatten(graph.maxPool(c2, Conv2dGeometry(kernel: 2, stride: 2)))
        return graph.relu(try graph.lower(fc1, named: "fc1", pooled))
    }

    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        try graph.lower(fc2, named: "fc2", try lowerHeadInput(input, into: graph))
    }
}

extension CIFARResNet: ONNXBody {
    var logitsLayer: Linear { fc }

    func lowerHeadInput(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var h = graph.relu(try graph.lower(bn1, named: "bn1", try graph.lower(conv1, named: "conv1", input)))
        for (s, stage) in stages.enumerated() {
            for (b, block) in stage.enumerated() { h = try graph.lower(block, named: "layer\(s + 1).\(b)", h) }
        }
        return h
    }

    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        try graph.lower(fc, named: "fc", graph.globalAvgPool(try lowerHeadInput(input, into: graph)))
    }
}

extension WideResNet: ONNXClassifier {
    var logitsLayer: Linear { fc }

    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var h = try graph.lower(conv1, named: "conv1", input)
        for (s, stage) in blocks.enumerated() {
            for (i, block) in stage.enumerated() { h = try graph.lower(block, named: "block\(s + 1).layer.\(i)", h) }
        }
        let features = graph.globalAvgPool(graph.relu(try graph.lower(bn1, named: "bn1", h)))
        return try graph.lower(fc, named: "fc", features)
    }
}
