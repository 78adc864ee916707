import KDNN

/// Writes zoo classifiers as ONNX files (opset 17) of their evaluation-mode forward pass.
public enum ONNXExport {
    /// (x − mean[c]) / std[c] per channel, as the evaluation stream's `normalize` op.
    public struct Normalization: Sendable {
        /// Subtracted first: one value, or one per channel.
        public var mean: [Float]
        /// Divided by next (as a product with 1/std, as kdflow's augmenter computes it).
        public var std: [Float]

        /// One value applies to every channel; otherwise one per channel.
        public init(mean: [Float], std: [Float]) {
            self.mean = mean
            self.std = std
        }
    }

    /// The ONNX file of `model` for float32 inputs `input` [N, channels, height, width] (N dynamic)
    /// and output `logits` [N, classes]; `normalizations`, applied in order, precede the model.
    public static func serialize(
        _ model: Classifier, channels: Int, height: Int, width: Int,
        normalizations: [Normalization] = []
    ) throws -> [UInt8] {
        try onnxModel(model, channels: channels, height: height, width: width, normalizations: normalizations)
            .serialized
    }

    static func onnxModel(
        _ model: Classifier, channels: Int, height: Int, width: Int,
        normalizations: [Normalization]
    ) throws -> ONNXModel {
        guard let model = model as? any ONNXClassifier else {
            throw ONNXExportError.unsupportedModel(kind: String(describing: type(of: model)))
        }
        let graph = ONNXGraphBuilder()
        var x = "input"
        for (i, normalization) in normalizations.enumerated() {
            x = try graph.normalize(x, normalization, channels: channels, name: "normalize\(i)")
        }
        graph.rename(try model.lower(x, into: graph), to: "logits")
        let batch = ONNXValueInfo.Dimension.named("N")
        let input = ONNXValueInfo(name: "input", dims: [batch, .size(channels), .size(height), .size(width)])
        let output = ONNXValueInfo(name: "logits", dims: [batch, .size(model.logitsLayer.weight.value.shape[0])])
        return ONNXModel(
            graph: ONNXGraph(
                nodes: graph.nodes, name: String(describing: type(of: model)),
                initializers: graph.initializers, inputs: [input], outputs: [output]))
    }
}
