import Foundation
@testable import KDExport
import Testing

/// The writer's bytes equal those of Python's protobuf library for the same ONNX messages
/// (Fixtures/make_onnx_fixtures.py builds them with onnx's generated classes).
@Suite struct ProtobufWriterTests {
    static func expectBytes(
        _ message: some ProtobufMessage, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let hex = message.serialized.map { String(format: "%02x", $0) }.joined()
        #expect(hex == ONNXRuntimeReference.shared.protobuf[name], "\(name)", sourceLocation: sourceLocation)
    }

    @Test func varintsOfEveryLength() {
        let ints = [0, 1, 127, 128, 300, 16_384, -1, 1 << 62]
        Self.expectBytes(ONNXAttribute(name: "ints", value: .ints(ints)), "ints_attribute")
    }

    @Test func fixed32Float() {
        Self.expectBytes(ONNXAttribute(name: "epsilon", value: .float(1e-5)), "float_attribute")
    }

    @Test func smallModel() {
        let node = ONNXNode(
            inputs: ["input", "w"], outputs: ["logits"], name: "fc.Gemm", opType: "Gemm",
            attributes: [ONNXAttribute(name: "transB", value: .int(1))])
        let graph = ONNXGraph(
            nodes: [node], name: "tiny",
            initializers: [ONNXTensor(name: "w", dims: [2, 3], values: [1, -2, 0.5, 3, 0, -0.25])],
            inputs: [ONNXValueInfo(name: "input", dims: [.named("N"), .size(3)])],
            outputs: [ONNXValueInfo(name: "logits", dims: [.named("N"), .size(2)])])
        Self.expectBytes(ONNXModel(graph: graph), "model")
    }
}
