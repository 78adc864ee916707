import Foundation
import KDTensor
import Testing

@Suite struct SafetensorsTests {
    @Test func roundTripIsBitIdentical() throws {
        var file = Safetensors(metadata: ["format": "pt"])
        let t = CounterRandom(seed: 3).normalTensor([3, 4, 5])
        file.set("layer.weight", t)
        file.setInt64("bn.num_batches_tracked", [7], shape: [])
        let bytes = file.serialized()
        let back = try Safetensors(data: bytes, origin: "memory")
        #expect(try back.tensor("layer.weight") == t)
        #expect(try back.tensor("bn.num_batches_tracked").scalar == 7)
        #expect(back.metadata["format"] == "pt")
        #expect(back.serialized() == bytes)
    }

    @Test func corruptFilesGiveLocatedErrors() {
        var file = Safetensors()
        file.set("w", Tensor.ones([4]))
        let good = file.serialized()
        #expect(throws: Safetensors.FormatError.self) { try Safetensors(data: good.prefix(5), origin: "f") }
        #expect(throws: Safetensors.FormatError.self) {
            try Safetensors(data: good.prefix(good.count - 1), origin: "f")
        }
        var garbled = good
        garbled[8] = 0x78
        #expect(throws: Safetensors.FormatError.self) { try Safetensors(data: garbled, origin: "f") }
        do {
            _ = try Safetensors(data: good.prefix(good.count - 4), origin: "model.safetensors")
        } catch {
            #expect("\(error)".contains("model.safetensors"))
            #expect("\(error)".contains("'w'"))
        }
    }
}
