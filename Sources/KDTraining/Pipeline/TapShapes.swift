import KDAutodiff
import KDNN
import KDPipeline
import KDTensor

/// Shapes of every model's taps for one sample, found by a forward pass of zeros in evaluation
/// mode (models are built from the spec; weights do not matter for shapes).
struct TapShapes {
    /// `model` → `tap` → shape with batch 1.
    let byModel: [String: [String: Shape]]
    /// Tap names each model offers.
    let available: [String: [String]]

    init(spec: PipelineSpec) {
        var shapes: [String: [String: Shape]] = [:], available: [String: [String]] = [:]
        for m in spec.models {
            let size = m.node["image_size"]?.int ?? 28
            let hidden = m.node["hidden"]?.list?.compactMap(\.int) ?? [1200, 1200]
            guard
                let model = try? ModelZoo.make(
                    m.arch.value, inChannels: m.inChannels, classes: m.classes,
                    imageSize: size, hidden: hidden, width: m.node["width"]?.double ?? 1, seed: 0)
            else { continue }
            let x = Variable(constant: Tensor.zeros([1, m.inChannels, size, size]))
            shapes[m.name] = model.run(x, ForwardContext(tape: nil, training: false)).mapValues(\.shape)
            available[m.name] = model.tapNames
        }
        byModel = shapes
        self.available = available
    }
}
