/// Builds models by the names pipeline files use.
public enum ModelZoo {
    /// A model description could not be built.
    struct UnknownArchitecture: Error, CustomStringConvertible {
        /// The name asked for.
        public let name: String
        public var description: String {
            "unknown architecture '\(name)'; known: \(ModelZoo.architectures.joined(separator: ", ")), wrn_<depth>_<width>"
        }
    }

    /// Every fixed architecture name (plus the `wrn_<depth>_<width>` family).
    public static let architectures = [
        "mlp", "cnn", "resnet8", "resnet14", "resnet20", "resnet32", "resnet44",
        "resnet56", "resnet110", "resnet8x4", "resnet32x4",
    ]

    /// A freshly initialised model. `hidden` sizes apply to `mlp`, `width` to `cnn`; `imageSize` to both.
    public static func make(
        _ arch: String, inChannels: Int, classes: Int, imageSize: Int = 28,
        hidden: [Int] = [1200, 1200], width: Double = 1, dropRate: Float = 0, seed: UInt64
    ) throws -> Classifier {
        let ini = ParameterInitializer(seed: seed)
        switch arch {
        case "mlp":
            return MLP(inputs: inChannels * imageSize * imageSize, hidden: hidden, classes: classes, init: ini)
        case "cnn":
            return SmallCNN(inChannels: inChannels, classes: classes, imageSize: imageSize, width: width, init: ini)
        case "resnet8x4", "resnet32x4":
            let depth = arch == "resnet8x4" ? 8 : 32
            return CIFARResNet(
                depth: depth, widths: [32, 64, 128, 256], inChannels: inChannels, classes: classes, init: ini)
        case let name where name.hasPrefix("resnet"):
            guard let depth = Int(name.dropFirst(6)), [8, 14, 20, 32, 44, 56, 110].contains(depth) else {
                throw UnknownArchitecture(name: arch)
            }
            return CIFARResNet(
                depth: depth, widths: [16, 16, 32, 64], inChannels: inChannels, classes: classes, init: ini)
        case let name where name.hasPrefix("wrn_"):
            let parts = name.split(separator: "_")
            guard parts.count == 3, let depth = Int(parts[1]), let width = Int(parts[2]),
                depth >= 10, (depth - 4) % 6 == 0, width >= 1
            else { throw UnknownArchitecture(name: arch) }
            return WideResNet(
                depth: depth, widen: width, dropRate: dropRate, inChannels: inChannels, classes: classes, init: ini)
        default:
            throw UnknownArchitecture(name: arch)
        }
    }
}
