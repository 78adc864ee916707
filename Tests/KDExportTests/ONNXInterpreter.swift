@testable import KDExport
import KDAutodiff
import KDTensor

/// Runs an exported graph with kdflow's kernels, reading each node as the ONNX operator spec
/// defines it. Its logits are compared with ONNX Runtime's, so CI checks what every lowering
/// computes without Python (the kernels agree with ONNX Runtime's where the fixtures were made).
struct ONNXInterpreter {
    struct Unsupported: Error, CustomStringConvertible {
        let description: String
    }

    let graph: ONNXGraph

    func run(_ input: Tensor) throws -> Tensor {
        var values = ["input": Variable(constant: input)]
        for t in graph.initializers {
            let scalars = t.int64Values.map { $0.map(Float.init) } ?? t.values
            values[t.name] = Variable(constant: Tensor(shape: Shape(t.dims), scalars: scalars))
        }
        for node in graph.nodes {
            let x = node.inputs.map { values[$0]! }
            let attributes = Dictionary(node.attributes.map { ($0.name, $0.value) }) { first, _ in first }
            values[node.outputs[0]] = try evaluate(node, x, attributes)
        }
        return values[graph.outputs[0].name]!.value
    }

    private func evaluate(_ node: ONNXNode, _ x: [Variable], _ attributes: [String: ONNXAttribute.Value]) throws
        -> Variable
    {
        switch (node.opType, x.count) {
        case ("Conv", 2...3):
            return x[0].conv2d(weight: x[1], bias: x.count == 3 ? x[2] : nil, geometry: try window(attributes))
        case ("MaxPool", 1): return x[0].maxPool2d(geometry: try window(attributes))
        case ("BatchNormalization", 5):
            guard case let .float(eps) = attributes["epsilon"] else {
                throw Unsupported(description: "\(node.name): no epsilon")
            }
            return x[0].batchNormEvaluation(
                gamma: x[1], beta: x[2], runningMean: x[3].value, runningVar: x[4].value, eps: eps)
        case ("Gemm", 2...3):
            guard case .int(1) = attributes["transB"], attributes.count == 1 else {
                throw Unsupported(description: "\(node.name): Gemm attributes")
            }
            let product = x[0].matmul(x[1], transposeOther: true)
            return x.count == 3 ? product + x[2] : product
        case ("GlobalAveragePool", 1): return x[0].globalAvgPool().reshaped([x[0].shape[0], x[0].shape[1], 1, 1])
        case ("Flatten", 1):
            guard case .int(1) = attributes["axis"] else {
                throw Unsupported(description: "\(node.name): Flatten axis")
            }
            return x[0].flattened()
        case ("Reshape", 2):
            // 0 keeps the input's dimension (allowzero 0), −1 takes the rest.
            let dims = x[1].value.scalars.enumerated().map { i, d in d == 0 ? x[0].shape[i] : Int(d) }
            return x[0].reshaped(dims)
        case ("Relu", 1): return x[0].relu()
        case ("Add", 2): return x[0] + x[1]
        case ("Sub", 2): return x[0] - x[1]
        case ("Mul", 2): return x[0] * x[1]
        default: throw Unsupported(description: "\(node.name): \(node.opType) with \(x.count) inputs")
        }
    }

    /// kernel_shape, strides and pads, which kdflow's windows hold only in their symmetric form.
    private func window(_ attributes: [String: ONNXAttribute.Value]) throws -> Conv2dGeometry {
        guard case let .ints(kernel) = attributes["kernel_shape"], kernel.count == 2,
            case let .ints(strides) = attributes["strides"], strides.count == 2, strides[0] == strides[1],
            case let .ints(pads) = attributes["pads"], pads.count == 4, Set(pads).count == 1
        else {
            throw Unsupported(description: "window \(attributes)")
        }
        return Conv2dGeometry(kh: kernel[0], kw: kernel[1], stride: strides[0], padding: pads[0])
    }
}
