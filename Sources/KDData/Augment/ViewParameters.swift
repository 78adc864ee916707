/// The concrete parameters one op used for one sample's view, enough to replay it without
/// the random generator.
public enum AugmentStep: Hashable, Sendable, Codable {
    /// Take the box (x, y, width, height) of the source — outside the image reads 0, i.e. padding —
    /// resampled bilinearly to outHeight × outWidth when the sizes differ.
    case crop(x: Int, y: Int, width: Int, height: Int, outHeight: Int, outWidth: Int)
    /// Mirror left–right when true.
    case flip(Bool)
    /// Per-channel normalisation.
    case normalize(mean: [Float], std: [Float])
    /// Zero the box (x, y, width, height), already clipped; an empty box means no cutout.
    case cutout(x: Int, y: Int, width: Int, height: Int)
}

/// The recorded view of one sample: the view index and each op's drawn parameters. Its
/// `stableBytes` are a fixed, versioned encoding meant for keys (the teacher store hashes them).
public struct ViewParameters: Hashable, Sendable, Codable {
    /// The view index (epoch mod K with K views; the epoch itself when views are fresh).
    public var view: Int
    /// One step per configured op, in order.
    public var steps: [AugmentStep]

    public init(view: Int, steps: [AugmentStep]) {
        self.view = view
        self.steps = steps
    }

    /// Little-endian encoding: "KDV1", view (i64), step count (u32), then per step a tag byte
    /// (1 crop, 2 flip, 3 normalize, 4 cutout) and its fields (ints as i32, floats as IEEE bits,
    /// arrays with a u32 count first).
    public var stableBytes: [UInt8] {
        var b = Array("KDV1".utf8)
        b.appendLE(Int64(view))
        b.appendLE(UInt32(steps.count))
        for step in steps {
            switch step {
            case let .crop(x, y, width, height, outHeight, outWidth):
                b.append(1)
                for v in [x, y, width, height, outHeight, outWidth] { b.appendLE(Int32(truncatingIfNeeded: v)) }
            case let .flip(on):
                b.append(2)
                b.append(on ? 1 : 0)
            case let .normalize(mean, std):
                b.append(3)
                for values in [mean, std] {
                    b.appendLE(UInt32(values.count))
                    for v in values { b.appendLE(v) }
                }
            case let .cutout(x, y, width, height):
                b.append(4)
                for v in [x, y, width, height] { b.appendLE(Int32(truncatingIfNeeded: v)) }
            }
        }
        return b
    }
}
