import Foundation
import KDAutodiff
import KDGradCheck
@testable import KDNN
import KDTensor
import Testing

/// SimKD's projector against PyTorch (Fixtures/make_simkd_fixtures.py), and the composed model it
/// deploys in.
@Suite struct SimKDTests {
    static let fixtures: Safetensors = {
        let url = Bundle.module.url(forResource: "simkd", withExtension: "safetensors", subdirectory: "Fixtures")!
        return try! Safetensors(contentsOf: url)
    }()

    static func projector(_ c: String) throws -> (FeatureConnector, from: Tensor, to: Tensor) {
        let (from, to) = (try fixtures.tensor("\(c).from"), try fixtures.tensor("\(c).to"))
        let kind = try #require(ConnectorCatalog.kind(named: "simkd"))
        let module = kind.make(["from": from.shape, "to": to.shape], options: ["factor": 2], init: .init(seed: 1))
        // The case's other tensors (inputs, references) share its prefix: only missing weights count.
        #expect(try Checkpoint.load(module, from: fixtures, prefix: "\(c).", strict: false).missing.isEmpty)
        return (module, from, to)
    }

    /// Train- and eval-mode projections, the aligned teacher map, and the MSE's gradients.
    @Test(arguments: ["larger", "smaller", "flat"])
    func projectorMatchesPyTorch(_ c: String) throws {
        let (module, from, to) = try Self.projector(c)
        let eval = module.outputs(
            ["from": Variable(constant: from), "to": Variable(constant: to)], ForwardContext(tape: nil, training: false)
        )
        expectClose(eval["out"]!.value, try Self.fixtures.tensor("\(c).out_eval"), "\(c) eval out")
        expectClose(eval["target"]!.value, try Self.fixtures.tensor("\(c).target"), "\(c) target")
        let tape = Tape()
        let ctx = ForwardContext(tape: tape, training: true)
        let x = tape.variable(from)
        let out = module.outputs(["from": x, "to": Variable(constant: to)], ctx)
        expectClose(out["out"]!.value, try Self.fixtures.tensor("\(c).out_train"), "\(c) train out")
        let grads = tape.gradients(of: (out["out"]! - out["target"]!).squared().mean())
        expectClose(try #require(grads[x]), try Self.fixtures.tensor("\(c).grad_from"), "\(c) ∂/∂from")
        let weight = try #require(module.namedParameters().first { $0.0 == "transfer.0.weight" }?.1)
        let leaf = try #require(ctx.leaf(for: weight))
        expectClose(
            try #require(grads[leaf]), try Self.fixtures.tensor("\(c).grad_transfer.0.weight"),
            "\(c) ∂/∂transfer.0.weight")
    }

    @Test func kindChecksShapes() throws {
        let kind = try #require(ConnectorCatalog.kind(named: "simkd"))
        let cases: [([Int], [Int], [Int]?)] = [
            ([1, 6, 8, 8], [1, 16, 4, 4], [1, 16, 4, 4]), ([1, 6, 2, 2], [1, 16, 4, 4], [1, 16, 2, 2]),
            ([1, 128], [1, 64], [1, 64]), ([1, 6, 4, 4], [1, 16], nil), ([1, 6, 4, 2], [1, 16, 4, 2], nil),
        ]
        for (from, to, out) in cases {
            let result = kind.outputShapes(["from": Shape(from), "to": Shape(to)], options: ["factor": 2])
            #expect((result.problem == nil) == (out != nil), "\(from) → \(to)")
            if let out { #expect(result.outputs == ["out": Shape(out), "target": Shape(out)]) }
        }
        #expect(
            kind.outputShapes(["from": Shape([1, 6]), "to": Shape([1, 4])], options: ["factor": 8]).problem != nil)
    }

    /// The composed model's logits are the teacher's classifier on the pooled projection of the
    /// student's head input, computed here by hand; its state dict is the student without its head,
    /// the projector and the classifier.
    @Test(arguments: ["cnn", "resnet8"])
    func composedLogitsAreTheTeachersClassifierOnTheProjection(_ arch: String) throws {
        let student = try ModelZoo.make(arch, inChannels: 1, classes: 10, imageSize: 12, seed: 3)
        let teacher = try ModelZoo.make(arch, inChannels: 1, classes: 10, imageSize: 12, seed: 4)
        let (bodyHead, tap) = try #require(student.head)
        let x = Variable(constant: CounterRandom(seed: 2).normalTensor(Shape([3, 1, 12, 12]), std: 1))
        let ctx = ForwardContext(tape: nil, training: false)
        let feature = student.run(x, ctx)[tap]!, teacherFeature = teacher.run(x, ctx)[tap]!
        let projector = try #require(ConnectorCatalog.kind(named: "simkd")).make(
            ["from": feature.shape, "to": teacherFeature.shape], options: ["factor": 2], init: .init(seed: 5))
        let classifier = try #require(teacher.head).layer
        let composed = ComposedClassifier(body: student, projector: projector, classifier: classifier)

        let projected = projector(feature, ctx)
        let pooled = projected.shape.rank == 4 ? projected.globalAvgPool() : projected
        let byHand = pooled.value.matmul(classifier.weight.value, transposeOther: true) + classifier.bias!.value
        let logits = composed(x, ForwardContext(tape: nil, training: false)).value
        #expect(logits.shape == [3, 10])
        expectClose(logits, byHand, rtol: 1e-6, "\(arch) composed logits")

        let names = composed.namedParameters().map(\.0)
        let headName = student.children.first { $0.1 === bodyHead }!.0
        #expect(!names.contains { $0.hasPrefix("student.\(headName).") })
        #expect(names.contains("projector.transfer.0.weight") && names.contains("classifier.weight"))
        #expect(names.filter { $0.hasPrefix("student.") }.count == student.namedParameters().count - 2)
    }
}
