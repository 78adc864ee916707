import KDLoss
import KDTensor
import Testing

/// What `kdflow loss` runs: options parsed from `--set`, inputs by role, gradients per input.
@Suite struct LossEvaluationTests {
    let logits = Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, -1, 2])
    let other = Tensor(shape: [2, 3], scalars: [0, 1, 0, 2, 2, -1])

    @Test func optionsParseAsTheCommandLineWritesThem() throws {
        let options = try LossOptions(parsing: ["temperature=4", "mode=smooth_l1", "margin=0.5,-1", "flag=true"])
        #expect(options.values["temperature"] == .number(4))
        #expect(options.values["mode"] == .text("smooth_l1"))
        #expect(options.values["margin"] == .numbers([0.5, -1]))
        #expect(options.values["flag"] == .flag(true))
        #expect(throws: LossOptionError.malformed("temperature")) { try LossOptions(parsing: ["temperature"]) }
    }

    @Test func trainableInputsGetGradients() throws {
        let kd = try LossEvaluation.evaluate(kind: "kd", options: LossOptions(), inputs: ["student": logits, "teacher": other], labels: nil)
        #expect(Set(kd.gradients.keys) == ["student"])
        let dml = try LossEvaluation.evaluate(kind: "dml", options: LossOptions(), inputs: ["student": logits, "teacher": other], labels: nil)
        #expect(Set(dml.gradients.keys) == ["student", "teacher"])
        // Swapping the peers leaves the symmetric loss unchanged.
        let swapped = try LossEvaluation.evaluate(kind: "dml", options: LossOptions(), inputs: ["student": other, "teacher": logits], labels: nil)
        #expect(abs(dml.value - swapped.value) <= 1e-6 * dml.value)
    }

    @Test func mistakesAreReported() {
        #expect(throws: LossOptionError.unknownKind("nope")) {
            try LossEvaluation.evaluate(kind: "nope", options: LossOptions(), inputs: ["student": logits], labels: nil)
        }
        #expect(throws: LossOptionError.unknownOption(kind: "kd", key: "temp")) {
            try LossEvaluation.evaluate(kind: "kd", options: LossOptions(["temp": .number(2)]), inputs: ["student": logits], labels: nil)
        }
        #expect(throws: (any Error).self) {
            try LossEvaluation.evaluate(kind: "dkd", options: LossOptions(), inputs: ["student": logits, "teacher": other], labels: nil)
        }
    }
}
