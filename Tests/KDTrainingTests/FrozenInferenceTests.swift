import KDAutodiff
import KDCache
import KDNN
import KDTensor
@testable import KDTraining
import Testing

/// The frozen forward stage runs the planned forward, and its stores say so.
@Suite struct FrozenInferenceTests {
    @Test func theFingerprintNamesThePlannedPath() throws {
        let plan = TrainingPlan.ModelPlan(
            name: "teacher", arch: "mlp", inChannels: 1, classes: 10, hidden: [32], frozen: true)
        let model = try ModelZoo.make("mlp", inChannels: 1, classes: 10, hidden: [32], seed: 1)
        var state = Safetensors()
        Checkpoint.stateDict(of: model, into: &state)
        let options = ["in_channels": "1", "classes": "10", "image_size": "\(plan.imageSize)", "hidden": "32"]
        let encoding = PayloadEncoding(precision: .fp32)
        let evalPath = TeacherFingerprint(
            arch: "mlp", options: options, weights: [UInt8](state.serialized()), taps: ["logits"],
            encoding: encoding)
        let planned = TeacherFingerprint(model: model, plan: plan, taps: ["logits"], encoding: encoding)
        #expect(planned != evalPath)
        var withPath = options
        withPath["path"] = "inference-v1"
        #expect(
            planned
                == TeacherFingerprint(
                    arch: "mlp", options: withPath, weights: [UInt8](state.serialized()),
                    taps: ["logits"], encoding: encoding))
    }

    @Test func aFrozenStageComputesWithThePlan() throws {
        var plan = storedKDPlan("frozen-plan", epochs: 1)
        plan.forwards[0].store = nil
        let models = try ModelSet(plan: plan)
        let forward = try FrozenForward(plan.forwards[0], models: models)
        #expect(forward.inference != nil)
        let x = CounterRandom(seed: 2).normalTensor([7, 1, 28, 28])
        let live = models.model("teacher")!.run(Variable(constant: x), ForwardContext(tape: nil, training: false))[
            "logits"]!.value
        let computed = try #require(forward.compute(x)["logits"])
        let error = zip(computed.scalars, live.scalars).map { abs($0 - $1) }.max() ?? 0
        #expect(error <= 1e-5 * (live.scalars.map(abs).max() ?? 0))
    }
}
