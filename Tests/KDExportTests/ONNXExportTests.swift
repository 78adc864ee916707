import Foundation
@testable import KDExport
import KDNN
import KDTensor
import Testing

/// kdflow's evaluation forward agrees with ONNX Runtime running kdflow's export of the same model.
@Suite struct ONNXExportTests {
    @Test(arguments: ExportCase.all)
    func kdflowLogitsMatchONNXRuntime(_ c: ExportCase) throws {
        try Self.expectONNXRuntimeLogits(c.kdflowLogits(try c.model()), c, "kdflow")
    }

    /// The graph kdflow exports today, run by the test interpreter, still computes what ONNX
    /// Runtime computed from the export the fixtures were made with.
    @Test(arguments: ExportCase.all)
    func exportedGraphComputesONNXRuntimesLogits(_ c: ExportCase) throws {
        let graph = try ONNXExport.onnxModel(
            try c.model(), channels: c.channels, height: c.size, width: c.size,
            normalizations: c.normalizations
        ).graph
        try Self.expectONNXRuntimeLogits(try ONNXInterpreter(graph: graph).run(c.input), c, "the exported graph")
    }

    static func expectONNXRuntimeLogits(_ logits: Tensor, _ c: ExportCase, _ what: String) throws {
        let reference = try #require(ONNXRuntimeReference.shared.cases[c.name], "no ONNX Runtime logits for \(c.name)")
        #expect(logits.shape.dims == reference.shape)
        let worst = zip(logits.scalars, reference.logits).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-4, "\(c.name): \(what) and ONNX Runtime logits differ by \(worst)")
    }

    /// What make_onnx_fixtures.py runs: each case's ONNX file, input and kdflow logits, written
    /// to $KDEXPORT_FIXTURE_DIR.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KDEXPORT_FIXTURE_DIR"] != nil))
    func writeFilesForTheFixtureScript() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["KDEXPORT_FIXTURE_DIR"]!)
        var manifest: [String: [String: [Float]]] = [:]
        for c in ExportCase.all {
            let model = try c.model()
            let bytes = try ONNXExport.serialize(
                model, channels: c.channels, height: c.size, width: c.size,
                normalizations: c.normalizations)
            try Data(bytes).write(to: directory.appendingPathComponent("\(c.name).onnx"))
            let input = c.input, logits = c.kdflowLogits(model)
            manifest[c.name] = [
                "input_shape": input.shape.dims.map(Float.init), "input": input.scalars,
                "kdflow_logits": logits.scalars,
            ]
        }
        try JSONEncoder().encode(manifest).write(to: directory.appendingPathComponent("cases.json"))
    }
}
