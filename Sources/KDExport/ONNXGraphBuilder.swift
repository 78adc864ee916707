import KDNN
import KDTensor

/// A module that knows its ONNX nodes (see ONNXExport+Layers, +Blocks, +Models).
protocol ONNXLowerable: Module {
    /// Appends the nodes computing this module's evaluation-mode forward pass of `input`;
    /// returns the name of the value holding its output.
    func lower(_ input: String, into graph: ONNXGraphBuilder) throws -> String
}

/// The graph being built while a model is lowered: nodes, and initialisers named by the
/// PyTorch state-dict name of the parameter they hold (`layer1.0.conv1.weight`), so the
/// file reads like the model's checkpoint.
final class ONNXGraphBuilder {
    private(set) var nodes: [ONNXNode] = []
    private(set) var initializers: [ONNXTensor] = []
    /// The dotted module path being lowered.
    private var path: [String] = []
    private var uses: [String: Int] = [:]

    /// Lowers a child module under `name` (which may be dotted, as `layer1.0`).
    func lower(_ module: Module, named name: String, _ input: String) throws -> String {
        let childPath = (path + [name]).joined(separator: ".")
        guard let lowerable = module as? any ONNXLowerable else {
            throw ONNXExportError.noLowering(kind: String(describing: type(of: module)), path: childPath)
        }
        return try within(name) { try lowerable.lower(input, into: self) }
    }

    /// Runs `lowering` with the modules it lowers named under `name` (a part of a composed model).
    func within(_ name: String, _ lowering: () throws -> String) rethrows -> String {
        path.append(name)
        defer { path.removeLast() }
        return try lowering()
    }

    /// Adds an initialiser named `<path>.<name>`; returns that name.
    func constant(_ name: String, _ tensor: Tensor) -> String {
        let qualified = (path + [name]).joined(separator: ".")
        initializers.append(ONNXTensor(name: qualified, dims: tensor.shape.dims, values: tensor.scalars))
        return qualified
    }

    /// Adds an INT64 initialiser named `<path>.<name>` (a shape); returns that name.
    func constant(_ name: String, int64 values: [Int64]) -> String {
        let qualified = (path + [name]).joined(separator: ".")
        initializers.append(ONNXTensor(name: qualified, dims: [values.count], values: [], int64Values: values))
        return qualified
    }

    /// The initialisers of a Conv's or Gemm's `weight` and optional `bias` inputs.
    func weightAndBias(_ weight: Parameter, _ bias: Parameter?) -> [String] {
        [constant("weight", weight.value)] + (bias.map { [constant("bias", $0.value)] } ?? [])
    }

    /// Adds a node with one output, named after the module path and the operator
    /// (`layer1.0.conv1.Conv`, then `…Conv_1`); returns the output's name.
    func node(_ opType: String, _ inputs: [String], _ attributes: [ONNXAttribute] = []) -> String {
        let base = (path + [opType]).joined(separator: ".")
        let n = uses[base, default: 0]
        uses[base] = n + 1
        let name = n == 0 ? base : "\(base)_\(n)"
        nodes.append(ONNXNode(inputs: inputs, outputs: [name], name: name, opType: opType, attributes: attributes))
        return name
    }

    /// Renames the value a node produced, wherever it appears (the graph output is `logits`).
    func rename(_ value: String, to name: String) {
        for i in nodes.indices {
            nodes[i].inputs = nodes[i].inputs.map { $0 == value ? name : $0 }
            nodes[i].outputs = nodes[i].outputs.map { $0 == value ? name : $0 }
        }
    }
}
