@testable import KDExport
@testable import KDNN
@testable import KDTensor
import Testing

/// The shape of every exported graph, checked without ONNX Runtime: the operators only,
/// nodes in dependency order, and each checkpoint tensor as an initialiser under its name.
@Suite struct ONNXGraphTests {
    static let operators: Set = [
        "Conv", "Gemm", "BatchNormalization", "Relu", "MaxPool", "GlobalAveragePool",
        "Add", "Flatten", "Sub", "Mul", "Reshape",
    ]

    @Test(arguments: ExportCase.all)
    func graphIsTheModelsCheckpointInDependencyOrder(_ c: ExportCase) throws {
        let model = try c.model()
        let graph = try ONNXExport.onnxModel(
            model, channels: c.channels, height: c.size, width: c.size,
            normalizations: c.normalizations
        ).graph
        var defined: Set = ["input"]
        var initializers: [String: ONNXTensor] = [:]
        for tensor in graph.initializers {
            #expect(initializers.updateValue(tensor, forKey: tensor.name) == nil, "initialiser \(tensor.name) twice")
            defined.insert(tensor.name)
        }
        for node in graph.nodes {
            #expect(Self.operators.contains(node.opType), "\(node.name): \(node.opType)")
            for input in node.inputs {
                #expect(defined.contains(input), "\(node.name) reads \(input) before it exists")
            }
            for output in node.outputs { #expect(defined.insert(output).inserted, "\(output) written twice") }
        }
        #expect(graph.nodes.last?.outputs == ["logits"])
        let checkpoint =
            model.namedParameters().map { ($0.0, $0.1.value) }
            + model.namedBuffers().filter { !$0.1.isInteger }.map { ($0.0, $0.1.value) }
        for (name, value) in checkpoint {
            let exported = initializers.removeValue(forKey: name)
            let tensor = try #require(exported, "\(name) not exported")
            #expect(
                tensor.dims == value.shape.dims && tensor.values == value.scalars, "\(name) exported as another tensor")
        }
        #expect(
            initializers.keys.allSatisfy { $0.hasPrefix("normalize") || $0.hasSuffix("maps_shape") },
            "extra initialisers \(initializers.keys.sorted())")
    }

    @Test func unknownModelIsAnError() {
        final class Custom: Classifier {}
        let error = #expect(throws: ONNXExportError.self) {
            try ONNXExport.serialize(Custom(), channels: 1, height: 4, width: 4)
        }
        #expect(
            error?.description
                == "cannot export a Custom: ONNX export knows mlp, cnn, the CIFAR ResNets and wide ResNets")
    }

    @Test func layerWithoutLoweringIsAnError() {
        let graph = ONNXGraphBuilder()
        let error = #expect(throws: ONNXExportError.self) { try graph.lower(LeakyReLU(), named: "block.act", "input") }
        #expect(error?.description == "cannot export 'block.act': no ONNX lowering for layer kind LeakyReLU")
    }

    @Test func normalizationMustFitTheChannels() throws {
        let model = try ModelZoo.make("resnet8", inChannels: 3, classes: 10, seed: 1)
        let wrong = ONNXExport.Normalization(mean: [0.5, 0.5], std: [0.2, 0.2])
        #expect(throws: ONNXExportError.self) {
            try ONNXExport.serialize(model, channels: 3, height: 8, width: 8, normalizations: [wrong])
        }
    }
}
