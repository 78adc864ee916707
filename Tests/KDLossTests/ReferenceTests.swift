import Foundation
@testable import KDLoss
import KDTensor
import Testing

/// Every kind against the PyTorch float64 reference of its anchor implementation.
///
/// Values must agree within 1e-5 relative. Gradients are compared at the tensor's scale:
/// max |g − g_ref| ≤ 1e-4 · max |g_ref|. Float32 rounds each op at ~6e-8, but the gradients pass
/// through softmax/log/normalisation chains (and sums of up to N³ terms for rkd_angle) whose
/// cancellations leave small entries with a few 1e-6 of the largest entry's magnitude; an
/// elementwise relative bound would fail on entries near zero for no fault of the rule, while a
/// wrong rule is off by order one.
@Suite struct ReferenceTests {
    @Test(arguments: LossCase.all) func valueAndGradientsMatchPyTorch(_ c: LossCase) throws {
        let result = try LossEvaluation.evaluate(
            kind: c.kind, options: try LossOptions(parsing: c.options),
            inputs: c.inputs, labels: c.labels)
        let expected = c.tensor("loss")!.scalar
        let valueError = abs(result.value - expected) / max(abs(expected), 1e-12)
        #expect(valueError <= 1e-5, "\(c.name): \(result.value) vs PyTorch \(expected)")
        var gradientError: Float = 0
        for role in Set(["student", "teacher"] + c.inputs.keys).sorted() {
            let reference = c.tensor("grad_\(role)")
            #expect(
                (reference == nil) == (result.gradients[role] == nil), "\(c.name): trainable roles differ at \(role)")
            guard let reference, let actual = result.gradients[role] else { continue }
            #expect(actual.shape == reference.shape)
            gradientError = max(gradientError, scaledError(actual, reference))
        }
        #expect(gradientError <= 1e-4, "\(c.name): gradient error \(gradientError)")
        print("reference \(c.name): value rel. error \(valueError), gradient scaled error \(gradientError)")
    }

    @Test func everyKindHasAReferenceCase() {
        let covered = Set(LossCase.all.map(\.kind))
        #expect(covered == Set(LossCatalog.names), "missing: \(Set(LossCatalog.names).subtracting(covered).sorted())")
    }

    @Test func overhaulMarginsFromBatchNormMatchTheReference() throws {
        let gamma = try lossFixtures.tensor("overhaul_bn.gamma"), beta = try lossFixtures.tensor("overhaul_bn.beta")
        let expected = try lossFixtures.tensor("overhaul_bn.margin").scalars
        for (m, e) in zip(OverhaulMargin.margins(gamma: gamma, beta: beta), expected) {
            #expect(abs(m - e) <= 1e-6 * max(abs(e), 1), "margin \(m) vs \(e)")
        }
    }
}
