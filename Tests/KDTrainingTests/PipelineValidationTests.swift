import Foundation
import KDPipeline
import KDTraining
import Testing

@Suite struct PipelineValidationTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func everyShippedPipelineValidatesAndPlans() throws {
        let dir = Self.repository.appendingPathComponent("pipelines")
        let files = try FileManager.default.subpathsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        #expect(!files.isEmpty)
        for file in files {
            do {
                let loaded = try PipelinePlanner.load(file: dir.appendingPathComponent(file).path)
                _ = try PipelinePlanner.plan(loaded)
            } catch {
                Issue.record("\(file): \(error)")
            }
        }
    }

    /// With an unlabeled source in data.train, a kind other than cross_entropy may not read the labels.
    @Test func unlabeledSourceRejectsOtherLabelReaders() throws {
        let file = Self.repository.appendingPathComponent("pipelines/fashion-ssld.yaml").path
        let dkd = "loss.ssld={kind: dkd, student: student.logits, teacher: teacher.logits, target: augment.labels}"
        do {
            _ = try PipelinePlanner.load(file: file, overrides: [dkd])
            Issue.record("dkd on an unlabeled source validated")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "override '\(dkd)':1:81: error: loss.ssld.target: dkd needs a label for every sample, but data.train.1 (data/fashion-ssld/unlabeled) is unlabeled; only cross_entropy skips unlabeled samples"
                ])
        }
    }

    /// ReviewKD's abf levels: a residual of other channels than mid_channels is reported at the
    /// `residual:` it read, an `out` that does not match the teacher's map at the loss reading it.
    @Test func reviewLevelsReportMismatchedShapesWithTheirLocation() throws {
        let file = Self.repository.appendingPathComponent("pipelines/fashion-reviewkd.yaml").path
        do {
            _ = try PipelinePlanner.load(
                file: file, overrides: ["stages.abf2.mid_channels=32", "stages.abf2.to=teacher.features"])
            Issue.record("abf levels of mismatched shapes validated")
        } catch {
            let lines = error.diagnostics.map(\.description)
            for expected in [
                "fashion-reviewkd.yaml:27:86: error: stages.abf2: connector 'abf2' (abf) reads from student.conv2 [1, 64, 24, 24], to teacher.features [1, 128], residual abf3.residual [1, 64, 1, 1]: it needs an upper ABF's residual, NCHW maps of 32 channels",
                "fashion-reviewkd.yaml:28:86: error: stages.abf1: connector 'abf1' (abf) reads from student.conv1 [1, 32, 26, 26], to teacher.conv1.preact [1, 32, 26, 26], residual abf2.residual [1, 32, 1, 1]: it needs an upper ABF's residual, NCHW maps of 64 channels",
                "error: loss.hcl2.student: hcl needs NCHW maps (or [N, C] features) of one shape; abf2.out is [1, 128], teacher.conv2.preact is [1, 64, 24, 24]",
            ] {
                #expect(
                    lines.contains { $0.contains(expected) },
                    "missing: \(expected)\ngot:\n\(lines.joined(separator: "\n"))")
            }
        }
    }

    /// crd's negatives must be fewer than the training samples (the test split's 10,000), reported
    /// at the option.
    @Test func crdNegativesMustBeFewerThanTheSamples() throws {
        let yaml = """
            kdflow: 1
            name: crd-negatives
            epochs: 1
            data:
              train: {shards: \(fashionTest.path)}
              batch: 100
            models:
              teacher: {arch: mlp, in_channels: 1, classes: 10, hidden: [32], frozen: true}
              student: {arch: mlp, in_channels: 1, classes: 10, hidden: [48]}
            stages:
              augment: {from: data.train, ops: [{normalize: {mean: [0.286], std: [0.353]}}]}
              teacher: {forward: teacher, from: augment, taps: [features]}
              student: {forward: student, from: augment, taps: [logits, features]}
              crd: {connector: crd, from: student.features, to: teacher.features,
                    negatives: 10000}
            loss:
              crd: {kind: crd, student: crd.student_scores, teacher: crd.teacher_scores, noise: crd.noise}
            optimisers:
              student: {kind: sgd, lr: 0.05, params: [student, crd]}
            """
        do {
            _ = try PipelinePlanner.loader.load(yaml: yaml, file: "crd.yaml")
            Issue.record("10,000 negatives of 10,000 samples validated")
        } catch {
            #expect(
                error.diagnostics.map(\.description) == [
                    "crd.yaml:15:20: error: stages.crd: connector 'crd' (crd) reads from student.features [1, 48], to teacher.features [1, 32]: negatives 10000 must be fewer than the 10000 training samples"
                ])
        }
    }

    /// The training-level mistakes of Pipelines/bad-training.yaml, each at its exact location.
    @Test func trainingChecksReportEveryMistakeWithItsLocation() throws {
        let url = Bundle.module.url(forResource: "bad-training", withExtension: "yaml", subdirectory: "Pipelines")!
        let yaml = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
            of: "SHARDS", with: fashionTest.path)
        do {
            _ = try PipelinePlanner.loader.load(yaml: yaml, file: "bad-training.yaml")
            Issue.record("a file with six mistakes validated")
        } catch {
            let lines = error.diagnostics.map(\.description)
            let expected = [
                "bad-training.yaml:12:61: error: stages.teacher.taps: model 'teacher' (resnet20) has no tap 'layer4'",
                "bad-training.yaml:14:40: error: stages.align: connector 'align' (conv1x1_bn) reads from student.layer2.preact [1, 32, 14, 14], to teacher.layer3.preact [1, 64, 7, 7]: it needs NCHW maps",
                "bad-training.yaml:16:27: error: loss.kd.student: kd compares student.logits [1, 7] with teacher.logits [1, 10]: shapes differ",
                "bad-training.yaml:17:36: error: loss.ce.input: cross_entropy needs logits [N, classes]; student.layer2.preact is [1, 32, 14, 14]",
                "bad-training.yaml:18:29: error: loss.hint.student: kd needs logits [N, classes]; align.out is [1, 64, 7, 7]",
            ]
            for prefix in expected {
                #expect(
                    lines.contains { $0.hasPrefix(prefix) },
                    "missing: \(prefix)\ngot:\n\(lines.joined(separator: "\n"))")
            }
        }
    }

    @Test func modelsMustTakeTheDatasInputSize() throws {
        let yaml = """
            kdflow: 1
            name: size
            epochs: 1
            data:
              train: {shards: \(fashionTest.path)}
              batch: 32
            models:
              student: {arch: cnn, in_channels: 3, classes: 10, image_size: 32}
            stages:
              augment: {from: data.train, ops: [{hflip: 0.5}]}
              student: {forward: student, from: augment}
            loss:
              ce: {kind: cross_entropy, input: student.logits}
            optimisers:
              student: {kind: sgd, lr: 0.1, params: [student]}
            """
        #expect {
            _ = try PipelinePlanner.loader.load(yaml: yaml, file: "size.yaml")
        } throws: { error in
            "\(error)".contains(
                "size.yaml:8:3: error: models.student: model 'student' expects 3×32×32 inputs, the data gives 1×28×28")
        }
    }
}
