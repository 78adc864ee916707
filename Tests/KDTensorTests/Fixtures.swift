import Foundation
import KDTensor
import Testing

/// The PyTorch reference tensors made by Fixtures/make_kernel_fixtures.py.
let kernelFixtures: Safetensors = {
    let url = Bundle.module.url(forResource: "kernels", withExtension: "safetensors", subdirectory: "Fixtures")!
    return try! Safetensors(contentsOf: url)
}()

/// A named reference tensor.
func fixture(_ name: String) -> Tensor { try! kernelFixtures.tensor(name) }
