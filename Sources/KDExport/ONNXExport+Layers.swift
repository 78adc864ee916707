import KDNN

// The layers the zoo models hold as modules. BatchNorm stays a BatchNormalization node rather
// than being folded into the preceding convolution: the graph mirrors the module tree (each
// initialiser is a checkpoint tensor), the wide ResNet's pre-activation BNs follow an Add and
// could not be folded anyway, and ONNX Runtime fuses Conv+BatchNormalization when it loads.

extension Conv2d: ONNXLowerable {
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        graph.node("Conv", [input] + graph.weightAndBias(weight, bias), ONNXGraphBuilder.window(geometry))
    }
}

extension BatchNorm: ONNXLowerable {
    /// Evaluation mode: the running statistics.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        let inputs = [
            input, graph.constant("weight", weight.value), graph.constant("bias", bias.value),
            graph.constant("running_mean", runningMean.value), graph.constant("running_var", runningVar.value),
        ]
        return graph.node("BatchNormalization", inputs, [ONNXAttribute(name: "epsilon", value: .float(eps))])
    }
}

extension Linear: ONNXLowerable {
    /// x·Wᵀ + b as Gemm with transB, so the weight keeps PyTorch's [out, in] layout.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        graph.node("Gemm", [input] + graph.weightAndBias(weight, bias), [ONNXAttribute(name: "transB", value: .int(1))])
    }
}

extension Sequential: ONNXLowerable {
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String {
        var h = input
        for (name, layer) in children { h = try graph.lower(layer, named: name, h) }
        return h
    }
}
