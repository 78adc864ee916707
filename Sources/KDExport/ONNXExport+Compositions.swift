import KDNN
import KDTensor

extension ComposedClassifier: ONNXClassifier {
    var logitsLayer: Linear { classifier }

    /// The body up to its head's input (named `student.*`), the projector, the global average pool
    /// of maps, the reused classifier.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        guard let body = body as? any ONNXBody else {
            throw ONNXExportError.unsupportedModel(kind: String(describing: type(of: body)))
        }
        let features = try graph.within("student") { try body.lowerHeadInput(input, into: graph) }
        guard let projector = projector as? SimKDProjector else {
            throw ONNXExportError.noLowering(kind: String(describing: type(of: projector)), path: "projector")
        }
        let projected = try graph.within("projector") { try projector.lower(features, into: graph) }
        let pooled = projector.sourceSide == nil ? projected : graph.globalAvgPool(projected)
        return try graph.lower(classifier, named: "classifier", pooled)
    }
}

extension SimKDProjector {
    /// Its evaluation forward. Maps larger than the teacher's are average-pooled to its side (a
    /// window when the sides divide, as adaptive pooling then is). Flat features are 1×1 maps, on
    /// which a padded convolution reads only its kernel's centre: each becomes a Gemm with it.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var h = input
        if let side = sourceSide, side > targetSide {
            guard side % targetSide == 0 else {
                throw ONNXExportError.noLowering(
                    kind: "adaptive average pooling from \(side) to \(targetSide)", path: "projector")
            }
            let window = Conv2dGeometry(kernel: side / targetSide, stride: side / targetSide)
            h = graph.node("AveragePool", [h], ONNXGraphBuilder.window(window))
        }
        for (i, layer) in layers.enumerated() {
            let conv = "transfer.\(i * 3)", bn = "transfer.\(i * 3 + 1)"
            h =
                try sourceSide == nil
                ? graph.within(conv) { centreGemm(layer.conv, h, graph) } : graph.lower(layer.conv, named: conv, h)
            h = graph.relu(try graph.lower(layer.bn, named: bn, h))
        }
        return h
    }

    /// x·Wᵀ with W the kernel's centre [out, in] (the convolutions have no bias).
    private func centreGemm(_ conv: Conv2d, _ x: String, _ graph: ONNXGraphBuilder) -> String {
        let w = conv.weight.value, (out, inputs, k) = (w.shape[0], w.shape[1], w.shape[2])
        let kernels = w.scalars
        let centre = Tensor(
            shape: [out, inputs], scalars: (0..<out * inputs).map { kernels[$0 * k * k + (k / 2) * k + k / 2] })
        return graph.node(
            "Gemm", [x, graph.constant("weight", centre)], [ONNXAttribute(name: "transB", value: .int(1))])
    }
}
