import Foundation
import KDExport
import KDNN
import KDTensor
import Testing

/// kdflow's evaluation forward agrees with ONNX Runtime running kdflow's export of the same model.
@Suite struct ONNXExportTests {
    @Test(arguments: ExportCase.all)
    func kdflowLogitsMatchONNXRuntime(_ c: ExportCase) throws {
        let model = try c.model()
        _ = try ONNXExport.serialize(model, channels: c.channels, height: c.size, width: c.size, normalizations: c.normalizations)
        let logits = c.kdflowLogits(model)
        let reference = try #require(ONNXRuntimeReference.shared.cases[c.name], "no ONNX Runtime logits for \(c.name)")
        #expect(logits.shape.dims == reference.shape)
        let worst = zip(logits.scalars, reference.logits).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-4, "\(c.name): kdflow and ONNX Runtime logits differ by \(worst)")
    }

    /// What make_onnx_fixtures.py runs: each case's ONNX file, input and kdflow logits, written
    /// to $KDEXPORT_FIXTURE_DIR.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["KDEXPORT_FIXTURE_DIR"] != nil))
    func writeFilesForTheFixtureScript() throws {
        let directory = URL(fileURLWithPath: ProcessInfo.processInfo.environment["KDEXPORT_FIXTURE_DIR"]!)
        var manifest: [String: [String: [Float]]] = [:]
        for c in ExportCase.all {
            let model = try c.model()
            let bytes = try ONNXExport.serialize(model, channels: c.channels, height: c.size, width: c.size,
                                                 normalizations: c.normalizations)
            try Data(bytes).write(to: directory.appendingPathComponent("\(c.name).onnx"))
            let input = c.input, logits = c.kdflowLogits(model)
            manifest[c.name] = ["input_shape": input.shape.dims.map(Float.init), "input": input.scalars,
                                "kdflow_logits": logits.scalars]
        }
        try JSONEncoder().encode(manifest).write(to: directory.appendingPathComponent("cases.json"))
    }
}
