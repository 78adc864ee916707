import Foundation
import KDPipeline
import KDTraining
import Testing

/// A connector stage is checked against its kind's declaration: its own fields and their ranges,
/// the outputs it names, and the shapes it reads — each mistake at its location.
@Suite struct ConnectorValidationTests {
    static func diagnostics(_ overrides: [String]) -> [String] {
        let file = PipelineValidationTests.repository.appendingPathComponent("pipelines/fashion-ft.yaml").path
        do {
            _ = try PipelinePlanner.load(file: file, overrides: overrides)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func kindFieldsAndOutputsAreChecked() {
        #expect(
            Self.diagnostics(["stages.paraphraser.rate=9"]).contains {
                $0.contains("stages.paraphraser.rate") && $0.contains("9")
            })
        #expect(
            Self.diagnostics(["stages.translator={connector: translator, from: student.conv2}"]).contains {
                $0.contains("stages.translator.to: missing required key 'to'")
            })
        #expect(
            Self.diagnostics(["loss.ft.teacher=paraphraser.factor"]).contains {
                $0.contains("'paraphraser' has no output 'factor'") && $0.contains("reconstruction")
            })
    }

    @Test func shapesAreCheckedByTheKind() {
        let found = Self.diagnostics([
            "stages.teacher.taps=[logits, conv2, features]", "stages.paraphraser.from=teacher.features",
        ])
        #expect(
            found.contains {
                $0.contains(
                    "stages.paraphraser: connector 'paraphraser' (paraphraser) reads from teacher.features [1, 128]")
                    && $0.contains("it needs NCHW maps")
            }, "\(found)")
    }
}
