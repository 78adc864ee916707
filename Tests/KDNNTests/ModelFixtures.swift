import Foundation
import KDNN
import KDTensor
import Testing

/// The PyTorch reference made by Fixtures/make_model_fixtures.py.
let modelFixtures: Safetensors = {
    let url = Bundle.module.url(forResource: "models", withExtension: "safetensors", subdirectory: "Fixtures")!
    return try! Safetensors(contentsOf: url)
}()

func fixture(_ name: String) -> Tensor { try! modelFixtures.tensor(name) }

/// The state dict under `prefix` as its own safetensors file.
func fixtureStateDict(_ prefix: String) -> Safetensors {
    var file = Safetensors()
    for (name, entry) in modelFixtures.entries where name.hasPrefix(prefix) {
        file.entries[String(name.dropFirst(prefix.count))] = entry
    }
    return file
}

/// Expects elementwise agreement within rtol·|expected| + rtol·max|expected|.
func expectClose(
    _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)",
        sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let scale = expected.scalars.reduce(0) { max($0, abs($1)) }
    for i in 0..<actual.count
    where abs(actual.scalars[i] - expected.scalars[i]) > rtol * (abs(expected.scalars[i]) + scale) {
        Issue.record(
            "\(what): element \(i) is \(actual.scalars[i]), PyTorch \(expected.scalars[i])",
            sourceLocation: sourceLocation)
        return
    }
}
