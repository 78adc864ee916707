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
