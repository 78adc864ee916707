@testable import KDAutodiff
@testable import KDLoss
@testable import KDNN
@testable import KDTensor
import KDGradCheck
import Testing

/// Forward passes and one SGD step agree with PyTorch on the same weights and inputs.
@Suite struct PyTorchEquivalenceTests {
    static func model(_ name: String) throws -> Classifier {
        switch name {
        case "mlp": try ModelZoo.make("mlp", inChannels: 1, classes: 10, imageSize: 8, hidden: [64, 32], seed: 1)
        case "cnn": try ModelZoo.make("cnn", inChannels: 1, classes: 10, imageSize: 12, seed: 1)
        default: try ModelZoo.make(name, inChannels: 1, classes: 10, seed: 1)
        }
    }

    @Test(arguments: ["mlp", "cnn", "resnet8", "resnet20"])
    func forwardInTrainAndEvalMode(name: String) throws {
        let model = try Self.model(name)
        try Checkpoint.load(model, from: fixtureStateDict("\(name).init."))
        let x = Variable(constant: fixture("\(name).x"))
        expectClose(
            model(x, ForwardContext(tape: nil, training: false)).value, fixture("\(name).logits_eval"),
            "\(name) eval logits")
        expectClose(
            model(x, ForwardContext(tape: nil, training: true)).value, fixture("\(name).logits_train"),
            "\(name) train logits")
    }

    @Test(arguments: ["mlp", "cnn", "resnet8"])
    func oneSGDStep(name: String) throws {
        let model = try Self.model(name)
        try Checkpoint.load(model, from: fixtureStateDict("\(name).init."))
        let optimizer = SGD(
            groups: [ParameterGroup(parameters: model.namedParameters(), learningRate: 0.1, weightDecay: 5e-4)],
            momentum: 0.9, nesterov: true)
        let tape = Tape()
        let ctx = ForwardContext(tape: tape, training: true)
        let logits = model(Variable(constant: fixture("\(name).x")), ctx)
        let labels = fixture("\(name).labels").scalars.map { Int($0) }
        let loss = crossEntropy(logits: logits, labels: labels)
        expectClose(loss.value, fixture("\(name).loss"), "\(name) loss")
        let grads = tape.gradients(of: loss)
        optimizer.step(gradients: grads, context: ctx)
        for (key, p) in model.namedParameters() {
            expectClose(p.value, fixture("\(name).step.\(key)"), rtol: 2e-4, "\(name) \(key) after one step")
        }
        for (key, b) in model.namedBuffers() {
            expectClose(b.value, fixture("\(name).step.\(key)"), "\(name) \(key) after one step")
        }
    }
}
