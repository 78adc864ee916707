import KDTensor

/// The parameter-free operators the models call inline (not as modules), written as kdflow's
/// forward passes compute them.
extension ONNXGraphBuilder {
    func relu(_ x: String) -> String { node("Relu", [x]) }

    func add(_ a: String, _ b: String) -> String { node("Add", [a, b]) }

    /// kdflow's `flattened()`: [N, …] → [N, rest].
    func flatten(_ x: String) -> String { node("Flatten", [x], [ONNXAttribute(name: "axis", value: .int(1))]) }

    /// [N, C] → [N, C, 1, 1], as kdflow's connectors take flat features (`FeatureConnector.maps`).
    func maps(_ x: String) -> String {
        let shape = constant("maps_shape", int64: [0, -1, 1, 1])
        return node("Reshape", [x, shape])
    }

    /// kdflow's `globalAvgPool()`, which also flattens: [N, C, H, W] → [N, C].
    func globalAvgPool(_ x: String) -> String { flatten(node("GlobalAveragePool", [x])) }

    func maxPool(_ x: String, _ geometry: Conv2dGeometry) -> String {
        node("MaxPool", [x], Self.window(geometry))
    }

    /// kernel_shape, strides and symmetric pads of a convolution or pooling window.
    static func window(_ g: Conv2dGeometry) -> [ONNXAttribute] {
        [
            ONNXAttribute(name: "kernel_shape", value: .ints([g.kh, g.kw])),
            ONNXAttribute(name: "strides", value: .ints([g.stride, g.stride])),
            ONNXAttribute(name: "pads", value: .ints(Array(repeating: g.padding, count: 4))),
        ]
    }
}
