import Foundation
import KDAutodiff
import KDGradCheck
@testable import KDNN
import KDTensor
import Testing

/// The `abf` connector (ReviewKD's fusion) against mdistiller's ABF in PyTorch float64
/// (Fixtures/make_abf_fixtures.py), by finite differences, and its shape checks.
@Suite struct AttentionBasedFusionTests {
    static let fixtures: Safetensors = {
        let url = Bundle.module.url(forResource: "abf", withExtension: "safetensors", subdirectory: "Fixtures")!
        return try! Safetensors(contentsOf: url)
    }()

    static func tensor(_ name: String) -> Tensor { try! fixtures.tensor(name) }

    /// The case's module in its initial state and its inputs by field (`to` only gives the shape).
    static func fixtureCase(_ name: String) throws -> (FeatureConnector, [String: Tensor]) {
        var inputs = ["from": tensor("\(name).input.from"), "to": tensor("\(name).out")]
        if fixtures.entries["\(name).input.residual"] != nil { inputs["residual"] = tensor("\(name).input.residual") }
        let kind = try #require(ConnectorCatalog.kind(named: "abf"))
        let options = ["mid_channels": Double(tensor("\(name).init.conv1.0.weight").shape[0])]
        #expect(kind.outputShapes(inputs.mapValues(\.shape), options: options).problem == nil)
        let module = kind.make(
            inputs.mapValues(\.shape), options: options, trainingLabels: [], init: ParameterInitializer(seed: 1))
        try Checkpoint.load(module, from: fixtures, prefix: "\(name).init.")
        return (module, inputs)
    }

    /// Outputs, BN buffers after the pass, and the gradients of Σ out ⊙ r + Σ residual ⊙ r′ for
    /// the inputs and every parameter, as PyTorch computes them.
    @Test(arguments: ["top", "fused"]) func matchesPyTorch(_ name: String) throws {
        let (module, inputs) = try Self.fixtureCase(name)
        let tape = Tape()
        let ctx = ForwardContext(tape: tape, training: true)
        let leaves = inputs.mapValues { tape.variable($0) }
        let outputs = module.outputs(leaves, ctx)
        expectClose(outputs["out"]!.value, Self.tensor("\(name).out"), "\(name) out")
        expectClose(outputs["residual"]!.value, Self.tensor("\(name).residual"), "\(name) residual")
        let loss =
            (outputs["out"]! * Variable(constant: Self.tensor("\(name).r_out"))).sum()
            + (outputs["residual"]! * Variable(constant: Self.tensor("\(name).r_res"))).sum()
        let grads = tape.gradients(of: loss)
        for field in ["from", "residual"] where inputs[field] != nil {
            expectClose(grads[leaves[field]!]!, Self.tensor("\(name).grad.\(field)"), rtol: 1e-3, "\(name) d\(field)")
        }
        for (param, p) in module.namedParameters() {
            expectClose(
                grads[ctx.leaf(for: p)!]!, Self.tensor("\(name).grad.\(param)"), rtol: 1e-3, "\(name) d\(param)")
        }
        for (buffer, b) in module.namedBuffers() {
            expectClose(b.value, Self.tensor("\(name).after.\(buffer)"), "\(name) \(buffer)")
        }
    }

    @Test func inputGradientsByFiniteDifferences() throws {
        let (module, inputs) = try Self.fixtureCase("fused")
        for output in ["out", "residual"] {
            checkGradients([inputs["from"]!, inputs["residual"]!]) { v in
                module.outputs(
                    ["from": v[0], "residual": v[1], "to": Variable(constant: inputs["to"]!)],
                    ForwardContext(tape: nil, training: true))[output]!
            }
        }
    }

    /// `abf` names the input at fault: `from`/`to` of another rank, a residual of other channels.
    @Test func shapesNameTheInputAtFault() throws {
        let kind = try #require(ConnectorCatalog.kind(named: "abf"))
        let options = ["mid_channels": 8.0]
        let top = kind.outputShapes(["from": [2, 16], "to": [2, 12]], options: options)
        #expect(top == .init(outputs: ["out": [2, 12], "residual": [2, 8, 1, 1]], problem: nil))
        let level = kind.outputShapes(
            ["from": [2, 6, 5, 5], "to": [2, 4, 7, 7], "residual": [2, 8, 1, 1]], options: options)
        #expect(level == .init(outputs: ["out": [2, 4, 7, 7], "residual": [2, 8, 7, 7]], problem: nil))
        for (inputs, fault) in [
            (["from": Shape([2, 6, 5]), "to": Shape([2, 4, 5, 5])], "from"),
            (["from": [2, 6, 5, 5], "to": [2, 4, 5]], "to"),
            (["from": [2, 6, 5, 5], "to": [2, 4, 5, 5], "residual": [2, 6, 3, 3]], "residual"),
            (["from": [2, 6, 5, 5], "to": [2, 4, 5, 5], "residual": [2, 8]], "residual"),
        ] as [([String: Shape], String)] {
            #expect(kind.outputShapes(inputs, options: options).problem?.input == fault, "\(inputs)")
        }
    }
}
