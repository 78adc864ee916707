import Foundation
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
        let kd = try LossEvaluation.evaluate(
            kind: "kd", options: LossOptions(), inputs: ["student": logits, "teacher": other], labels: nil)
        #expect(Set(kd.gradients.keys) == ["student"])
        let dml = try LossEvaluation.evaluate(
            kind: "dml", options: LossOptions(), inputs: ["student": logits, "teacher": other], labels: nil)
        #expect(Set(dml.gradients.keys) == ["student", "teacher"])
        // Swapping the peers leaves the symmetric loss unchanged.
        let swapped = try LossEvaluation.evaluate(
            kind: "dml", options: LossOptions(), inputs: ["student": other, "teacher": logits], labels: nil)
        #expect(abs(dml.value - swapped.value) <= 1e-6 * dml.value)
    }

    @Test func mistakesAreReported() {
        #expect(throws: LossOptionError.unknownKind("nope")) {
            try LossEvaluation.evaluate(kind: "nope", options: LossOptions(), inputs: ["student": logits], labels: nil)
        }
        #expect(throws: LossOptionError.unknownOption(kind: "kd", key: "temp", known: ["temperature", "standardize"])) {
            try LossEvaluation.evaluate(
                kind: "kd", options: LossOptions(["temp": .number(2)]), inputs: ["student": logits], labels: nil)
        }
        #expect(throws: LossOptionError.outOfRange(key: "temperature", value: -2, bounds: "> 0")) {
            try LossEvaluation.evaluate(
                kind: "kd", options: LossOptions(["temperature": .number(-2)]), inputs: ["student": logits], labels: nil
            )
        }
        #expect(throws: (any Error).self) {
            try LossEvaluation.evaluate(
                kind: "dkd", options: LossOptions(), inputs: ["student": logits, "teacher": other], labels: nil)
        }
    }
}

/// The README's loss table is checked against the declarations: every kind has a row that names
/// each of its options.
@Suite struct LossTableTests {
    @Test func readmeListsEveryKindWithItsOptions() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let rows = try String(contentsOf: readme, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("| `") }
        for kind in LossCatalog.kinds {
            let row = rows.first { $0.split(separator: "|").first?.contains("`\(kind.name)`") ?? false }
            #expect(row != nil, "README has no loss-table row for \(kind.name)")
            for option in kind.options {
                #expect(row?.contains("`\(option.name)") ?? false, "README's \(kind.name) row lacks \(option.name)")
            }
        }
    }
}
