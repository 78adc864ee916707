import KDNN

extension ComposedClassifier: ONNXClassifier {
    var logitsLayer: Linear { classifier }

    /// The body up to its head's input (named `student.*`), the projector, the global average pool
    /// of its output, the reused classifier.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        guard let body = body as? any ONNXBody else {
            throw ONNXExportError.unsupportedModel(kind: String(describing: type(of: body)))
        }
        let features = try graph.within("student") { try body.lowerHeadInput(input, into: graph) }
        guard let projector = projector as? SimKDProjector else {
            throw ONNXExportError.noLowering(kind: String(describing: type(of: projector)), path: "projector")
        }
        let projected = try graph.within("projector") { try projector.lower(features, into: graph) }
        // A flat feature's projection is a 1×1 map, which the pool flattens back.
        return try graph.lower(classifier, named: "classifier", graph.globalAvgPool(projected))
    }
}

extension SimKDProjector {
    /// Its evaluation forward on a map the teacher's side or smaller (adaptive pooling has no ONNX
    /// operator); flat features become N×C×1×1 maps, as `forward` takes them.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        if let side = sourceSide, side > targetSide {
            throw ONNXExportError.noLowering(
                kind:
                    "adaptive average pooling (a \(side)×\(side) student map to the teacher's \(targetSide)×\(targetSide))",
                path: "projector")
        }
        var h = sourceSide == nil ? graph.maps(input) : input
        for (i, layer) in layers.enumerated() {
            h = try graph.lower(layer.conv, named: "transfer.\(i * 3)", h)
            h = graph.relu(try graph.lower(layer.bn, named: "transfer.\(i * 3 + 1)", h))
        }
        return h
    }
}
