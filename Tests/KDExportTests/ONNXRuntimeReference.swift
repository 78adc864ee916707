import Foundation

/// Fixtures/onnx_reference.json, written by Fixtures/make_onnx_fixtures.py: the logits ONNX
/// Runtime computed from the files kdflow exported, and protobuf bytes Python serialised.
struct ONNXRuntimeReference: Decodable {
    struct Logits: Decodable {
        let shape: [Int]
        let logits: [Float]
    }

    /// By ExportCase name.
    let cases: [String: Logits]
    /// By ProtobufWriterTests name: the message's bytes as hex.
    let protobuf: [String: String]

    static let shared: ONNXRuntimeReference = {
        let url = Bundle.module.url(forResource: "onnx_reference", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(ONNXRuntimeReference.self, from: Data(contentsOf: url))
    }()
}
