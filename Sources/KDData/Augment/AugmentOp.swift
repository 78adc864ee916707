/// One augmentation op as configured in a pipeline file (`ops:` list). `name` is the key used
/// there: pad_crop, random_resized_crop, hflip, normalize, cutout.
public enum AugmentOp: Sendable, Hashable {
    /// Zero-pad by `pad` on every side, then take a random `size`×`size` crop.
    case padCrop(size: Int, pad: Int)
    /// Crop a random box of `scale` × area and aspect `ratio`, resized (bilinear) to `size`×`size`
    /// (torchvision's RandomResizedCrop; defaults 0.08…1 and 3/4…4/3).
    case randomResizedCrop(size: Int, scale: ClosedRange<Float>, ratio: ClosedRange<Float>)
    /// Mirror left–right with `probability`.
    case hflip(probability: Float)
    /// (x − mean[c]) / std[c]; one value applies to every channel.
    case normalize(mean: [Float], std: [Float])
    /// With `probability`, zero a `size`×`size` square centred at a random pixel (clipped).
    case cutout(size: Int, probability: Float)

    /// Random resized crop with torchvision's default scale and ratio.
    public static func randomResizedCrop(size: Int) -> AugmentOp {
        .randomResizedCrop(size: size, scale: 0.08...1, ratio: (3.0 / 4.0)...(4.0 / 3.0))
    }

    /// The op's key in a pipeline file.
    public var name: String {
        switch self {
        case .padCrop: return "pad_crop"
        case .randomResizedCrop: return "random_resized_crop"
        case .hflip: return "hflip"
        case .normalize: return "normalize"
        case .cutout: return "cutout"
        }
    }

    /// Whether the op draws random numbers (normalize does not).
    var isRandom: Bool {
        if case .normalize = self { return false }
        return true
    }
}
