import Foundation
@testable import KDAutodiff
@testable import KDExport
@testable import KDNN
@testable import KDTensor

/// One model the ONNX fixtures cover: small sizes of every lowering (the zoo's architectures and
/// the bottleneck ResNet, which only CIFARResNet's initialiser builds).
struct ExportCase: CustomStringConvertible, Sendable {
    let name: String
    let arch: String
    let channels: Int
    let size: Int
    /// Baked into the graph, so the ONNX input is raw pixels.
    var normalizations: [ONNXExport.Normalization] = []

    var description: String { name }

    static let all: [ExportCase] = [
        ExportCase(name: "mlp", arch: "mlp", channels: 1, size: 8),
        ExportCase(name: "cnn", arch: "cnn", channels: 1, size: 12),
        ExportCase(
            name: "cnn-normalize", arch: "cnn", channels: 1, size: 12,
            normalizations: [.init(mean: [0.286], std: [0.353])]),
        ExportCase(
            name: "resnet8", arch: "resnet8", channels: 3, size: 16,
            normalizations: [.init(mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26])]),
        ExportCase(name: "resnet20", arch: "resnet20", channels: 1, size: 16),
        ExportCase(name: "resnet8x4", arch: "resnet8x4", channels: 3, size: 8),
        ExportCase(name: "resnet11-bottleneck", arch: "bottleneck", channels: 3, size: 8),
        ExportCase(name: "wrn_10_2", arch: "wrn_10_2", channels: 3, size: 16),
        ExportCase(name: "simkd-cnn", arch: "simkd-cnn", channels: 1, size: 12),
        ExportCase(name: "simkd-resnet8", arch: "simkd-resnet8", channels: 3, size: 16),
    ]

    /// The model with seeded weights and batch-norm parameters and running statistics set away
    /// from their initial 1s and 0s, so that evaluation mode is exercised.
    func model() throws -> Classifier {
        let net: Classifier =
            switch arch {
            case "bottleneck":
                CIFARResNet(
                    depth: 11, widths: [8, 4, 8, 16], bottleneck: true, inChannels: channels, classes: 10,
                    init: ParameterInitializer(seed: 7))
            case let composed where composed.hasPrefix("simkd-"):
                try simkd(String(composed.dropFirst(6)))
            default:
                try ModelZoo.make(arch, inChannels: channels, classes: 10, imageSize: size, hidden: [32, 16], seed: 7)
            }
        for (k, (_, module)) in net.namedModules().enumerated() {
            guard let bn = module as? BatchNorm else { continue }
            let c = bn.weight.value.count
            func wave(_ f: (Float) -> Float) -> Tensor {
                Tensor(shape: [c], scalars: (0..<c).map { f(Float($0 + 7 * k)) })
            }
            bn.weight.value = wave { 1 + 0.3 * sin($0) }
            bn.bias.value = wave { 0.1 * cos($0) }
            bn.runningMean.value = wave { 0.2 * sin(0.7 * $0) }
            bn.runningVar.value = wave { 0.6 + 0.5 * cos(0.3 * $0) * cos(0.3 * $0) }
        }
        return net
    }

    /// SimKD's deployed model: a student of `arch` up to its head's input, a projector to a
    /// teacher of the same `arch`, that teacher's classifier.
    func simkd(_ arch: String) throws -> Classifier {
        let make = { (seed: UInt64) in
            try ModelZoo.make(arch, inChannels: channels, classes: 10, imageSize: size, seed: seed)
        }
        let (student, teacher) = (try make(7), try make(8))
        let tap = student.head!.inputTap
        let zeros = Variable(constant: Tensor.zeros([1, channels, size, size]))
        let shapes = [student, teacher].map { $0.run(zeros, ForwardContext(tape: nil, training: false))[tap]!.shape }
        let projector = ConnectorCatalog.kind(named: "simkd")!.make(
            ["from": shapes[0], "to": shapes[1]], options: ["factor": 2], init: ParameterInitializer(seed: 9))
        return ComposedClassifier(body: student, projector: projector, classifier: teacher.head!.layer)
    }

    /// A fixed batch of two: raw pixels in [0, 1] when normalisation is baked in, roughly
    /// normalised values otherwise.
    var input: Tensor {
        let shape: Shape = [2, channels, size, size]
        return Tensor(
            shape: shape,
            scalars: (0..<shape.count).map { i in
                let wave = sin(Float(i) * 0.37) * cos(Float(i) * 0.011)
                return normalizations.isEmpty ? 1.5 * wave : 0.5 + 0.5 * wave
            })
    }

    /// kdflow's evaluation-mode logits for `input`, normalised as the augmenter does.
    func kdflowLogits(_ model: Classifier) -> Tensor {
        var x = input
        for n in normalizations {
            let plane = size * size
            x = Tensor(
                shape: x.shape,
                scalars: x.scalars.enumerated().map { i, v in
                    let c = (i / plane) % channels
                    return (v - n.mean[n.mean.count == 1 ? 0 : c]) * (1 / n.std[n.std.count == 1 ? 0 : c])
                })
        }
        return model(Variable(constant: x), ForwardContext(tape: nil, training: false)).value
    }
}
