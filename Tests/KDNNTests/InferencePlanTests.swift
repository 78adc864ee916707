@testable import KDAutodiff
@testable import KDNN
@testable import KDTensor
import Testing

/// The planned frozen forward agrees with the training path's evaluation-mode forward, taps
/// included, whichever taps are asked for (asking for a pre-ReLU or pre-pool tap unfuses).
@Suite struct InferencePlanTests {
    /// Zoo models as (name, input channels, image side).
    static let cases: [(String, Int, Int)] = [
        ("mlp", 1, 8), ("cnn", 1, 28), ("cnn", 3, 12), ("resnet8", 1, 28), ("resnet20", 3, 32), ("resnet8x4", 1, 28),
        ("resnet32x4", 1, 12), ("wrn_16_2", 1, 28), ("wrn_10_1", 3, 16),
    ]

    @Test(arguments: 0..<cases.count)
    func agreesWithTheEvaluationForward(index: Int) throws {
        let (name, channels, side) = Self.cases[index]
        try expectAgreement(
            try ModelZoo.make(name, inChannels: channels, classes: 10, imageSize: side, hidden: [64, 32], seed: 3),
            name: name, channels: channels, side: side)
    }

    /// Bottleneck blocks (pointwise convolutions read in place) and widths that are no multiple
    /// of the micro-kernel's 16 columns.
    @Test func agreesOnBottlenecksAndRaggedWidths() throws {
        let model = CIFARResNet(
            depth: 20, widths: [16, 8, 12, 20], bottleneck: true, inChannels: 3, classes: 10,
            init: ParameterInitializer(seed: 5))
        try expectAgreement(model, name: "bottleneck resnet", channels: 3, side: 15)
    }

    /// A narrow `cnn` (width 0.25: 8 and 16 channels, fc1 32).
    @Test func agreesOnANarrowCNN() throws {
        let model = try ModelZoo.make("cnn", inChannels: 1, classes: 10, width: 0.25, seed: 6)
        #expect(model.namedParameters().first { $0.0 == "fc1.weight" }?.1.value.shape == [32, 16 * 12 * 12])
        try expectAgreement(model, name: "narrow cnn", channels: 1, side: 28)
    }

    private func expectAgreement(_ model: Classifier, name: String, channels: Int, side: Int) throws {
        randomizeBatchNorm(model)
        // 19 images: a whole group of the steps that run over several images, and a ragged one.
        let x = CounterRandom(seed: 4).normalTensor([InferenceProgram.groupImages + 3, channels, side, side])
        let reference = model.run(Variable(constant: x), ForwardContext(tape: nil, training: false)).mapValues(\.value)
        for taps in [["logits"], model.tapNames] {
            let plan = try #require(InferencePlan(model: model, taps: taps))
            let planned = plan(x)
            #expect(Set(planned.keys) == Set(taps + ["logits"]), "\(name) taps")
            for tap in taps {
                let (got, want) = (try #require(planned[tap]), try #require(reference[tap]))
                #expect(got.shape == want.shape, "\(name) \(tap) shape")
                let scale = want.scalars.map(abs).max() ?? 0
                let error = zip(got.scalars, want.scalars).map { abs($0 - $1) }.max() ?? 0
                #expect(
                    error <= 1e-5 * max(scale, 1e-3),
                    "\(name) \(tap) (asked: \(taps.count) taps): max |Δ| \(error) of \(scale)")
            }
            // A second batch reuses the plan's buffers.
            #expect(plan(x)["logits"] == planned["logits"], "\(name) second batch")
        }
    }

    /// From the first convolution on a map of fewer Winograd tiles than a block (resnet20 on
    /// 28×28 images: the 14×14 stage's), the trunk runs over groups of images; a model without
    /// such a convolution runs image by image.
    @Test func groupsTheStepsOnSmallMaps() throws {
        let resnet = try ModelZoo.make("resnet20", inChannels: 1, classes: 10, seed: 1)
        let program = try #require(InferenceProgram(model: resnet, c: 1, h: 28, w: 28, taps: ["logits"]))
        guard case .convolution(let first) = program.trunk[program.groupFrom] else {
            Issue.record("resnet20's grouped steps start at \(program.trunk[program.groupFrom])")
            return
        }
        #expect(first.geometry.outputSize(h: first.h, w: first.w) == (14, 14))
        #expect(!program.groupInputs.isEmpty)
        let mlp = try ModelZoo.make("mlp", inChannels: 1, classes: 10, imageSize: 8, hidden: [64, 32], seed: 1)
        let flat = try #require(InferenceProgram(model: mlp, c: 1, h: 8, w: 8, taps: ["logits"]))
        #expect(flat.groupFrom == flat.trunk.count)
    }

    @Test func unknownArchitecturesHaveNoPlan() {
        final class Custom: Classifier {}
        #expect(InferencePlan(model: Custom(), taps: ["logits"]) == nil)
    }
}

/// γ, β, running mean and variance away from a fresh layer's identity, so folding is tested.
func randomizeBatchNorm(_ model: Module) {
    for (index, (_, module)) in model.namedModules().enumerated() {
        guard let bn = module as? BatchNorm else { continue }
        let random = CounterRandom(seed: 50 + UInt64(index))
        let shape = bn.weight.value.shape
        bn.weight.value = random.substream(1).uniformTensor(shape, low: 0.5, high: 1.5)
        bn.bias.value = random.substream(2).normalTensor(shape, std: 0.1)
        bn.runningMean.value = random.substream(3).normalTensor(shape, std: 0.1)
        bn.runningVar.value = random.substream(4).uniformTensor(shape, low: 0.5, high: 1.5)
    }
}
