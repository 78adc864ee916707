import Foundation
import KDData
import KDLoss
import KDPipeline
import KDTraining
import Testing

/// Every loss kind in a pipeline file: accepted by the loader, checked, and planned.
@Suite struct LossKindPlanningTests {
    /// 64 labelled 1×28×28 samples of 10 classes: validation reads the manifest (size, classes),
    /// planning reads nothing more, so no real data set is needed.
    static let data: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kdflow-planning-\(getpid())")
        let table = SampleTable(
            layout: SampleLayout(pixelType: .uint8, channels: 1, height: 28, width: 28),
            pixels: (0..<(64 * 784)).map { UInt8(truncatingIfNeeded: $0 &* 31) },
            labels: (0..<64).map { $0 % 10 }, classes: (0..<10).map(String.init), sources: [])
        if !FileManager.default.fileExists(atPath: dir.path) {
            // A failure here surfaces as the planning tests' own errors, naming the directory.
            _ = try? DatasetWriter.write(table, name: "planning", to: dir)
        }
        return dir
    }()

    /// One term per kind over a CNN teacher and a CNN student (logits, features, NCHW maps).
    static let terms: [String: String] = [
        "cross_entropy": "{kind: cross_entropy, input: student.logits, target: augment.labels, label_smoothing: 0.1}",
        "kd": "{kind: kd, student: student.logits, teacher: teacher.logits, temperature: 4}",
        "soft_ce": "{kind: soft_ce, student: student.logits, teacher: teacher.logits, divergence: dml}",
        "dml": "{kind: dml, student: student.logits, teacher: teacher.logits}",
        "distance":
            "{kind: distance, mode: smooth_l1, activation: softmax, student: student.logits, teacher: teacher.logits}",
        "overhaul": "{kind: overhaul, student: student.features.preact, teacher: teacher.features.preact}",
        "rkd_distance":
            "{kind: rkd_distance, normalization: all_pairs, student: student.features, teacher: teacher.features}",
        "rkd_angle": "{kind: rkd_angle, student: student.features, teacher: teacher.features}",
        "dkd":
            "{kind: dkd, student: student.logits, teacher: teacher.logits, target: augment.labels, warmup_epochs: 2}",
        "at": "{kind: at, student: student.conv2, teacher: teacher.conv2}",
        "pkt": "{kind: pkt, student: student.features, teacher: teacher.features}",
        "dist": "{kind: dist, student: student.logits, teacher: teacher.logits, temperature: 4}",
        "sp": "{kind: sp, student: student.features, teacher: teacher.conv2}",
        "nst": "{kind: nst, student: student.conv2, teacher: teacher.conv2}",
        "cc": "{kind: cc, student: student.features, teacher: teacher.features}",
        "hcl": "{kind: hcl, student: student.conv2, teacher: teacher.conv2}",
        "fsp":
            "{kind: fsp, student: student.conv1, student_top: student.conv2, teacher: teacher.conv1, teacher_top: teacher.conv2}",
        "mlkd":
            "{kind: mlkd, student: student.logits, teacher: teacher.logits, student_strong: student.logits, teacher_strong: teacher.logits}",
        "vid": "{kind: vid, student: link.out, teacher: teacher.conv2, variance: link.variance}",
        "ab": "{kind: ab, student: link.out, teacher: teacher.conv2.preact, margin: 0.5}",
        "ft": "{kind: ft, student: link.out, teacher: teacher.conv2}",
        "crd": "{kind: crd, student: link.student_scores, teacher: link.teacher_scores, noise: link.noise}",
    ]

    /// The connector stage `link` the terms of some kinds read.
    static let connectors: [String: String] = [
        "vid": "{connector: vid, from: student.conv2, to: teacher.conv2}",
        "ab": "{connector: conv1x1_bn, from: student.conv2.preact, to: teacher.conv2.preact}",
        "ft": "{connector: translator, from: student.conv2, to: teacher.conv2}",
        "crd": "{connector: crd, from: student.features, to: teacher.features, negatives: 16}",
    ]

    static func yaml(_ term: String, connector: String? = nil) -> String {
        """
        kdflow: 1
        name: loss-kind
        epochs: 1
        data: {train: {shards: \(data.path)}, batch: 32}
        models:
          teacher: {arch: cnn, in_channels: 1, classes: 10, frozen: true}
          student: {arch: cnn, in_channels: 1, classes: 10}
        stages:
          augment: {from: data.train, ops: [{hflip: 0.5}]}
          teacher: {forward: teacher, from: augment, taps: [logits, conv1, conv2, conv2.preact, features.preact, features]}
          student: {forward: student, from: augment, taps: [logits, conv1, conv2, conv2.preact, features.preact, features]}
        \(connector.map { "  link: \($0)" } ?? "")
        loss:
          term: \(term)
          reads_teacher: {kind: kd, student: student.logits, teacher: teacher.logits}
        optimisers:
          student: {kind: sgd, lr: 0.1, params: [student\(connector == nil ? "" : ", link")]}
        """
    }

    @Test(arguments: LossCatalog.names) func kindPlans(_ kind: String) throws {
        let term = try #require(Self.terms[kind], "no pipeline term for \(kind)")
        let plan = try PipelinePlanner.plan(
            try PipelinePlanner.loader.load(
                yaml: Self.yaml(term, connector: Self.connectors[kind]), file: "\(kind).yaml"))
        let planned = try #require(plan.loss.terms.first)
        #expect(Set(planned.bindings.keys) == Set(planned.function.roles))
        if kind == "dkd" { #expect(planned.weight == LossWeight(1, warmupEpochs: 2)) }
    }

    @Test func mismatchedShapesAreReportedAtTheTerm() throws {
        let term = "{kind: dml, student: student.logits, teacher: teacher.features}"
        do {
            _ = try PipelinePlanner.loader.load(yaml: Self.yaml(term), file: "bad.yaml")
            Issue.record("dml between logits and features validated")
        } catch {
            #expect(
                error.diagnostics.contains {
                    $0.description.contains("dml compares student.logits [1, 10] with teacher.features [1, 128]")
                },
                "\(error.diagnostics)")
        }
    }
}

/// The plan takes the schema's defaults, not defaults of its own.
@Suite struct PlanDefaultsTests {
    @Test func omittedOptionsTakeTheSchemasDefaults() throws {
        let yaml = LossKindPlanningTests.yaml("{kind: kd, student: student.logits, teacher: teacher.logits}")
        let plan = try PipelinePlanner.plan(try PipelinePlanner.loader.load(yaml: yaml, file: "defaults.yaml"))
        let sgd = try #require(plan.optimizers.first)
        #expect(sgd.momentum == 0.9 && sgd.weightDecay == 5e-4 && !sgd.nesterov)
        #expect((plan.loss.terms.first?.function as? KnowledgeDistillationLoss)?.temperature == 4)
    }
}
