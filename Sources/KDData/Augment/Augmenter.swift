import Foundation
import KDTensor

/// Deterministic augmentation with recorded views. Each view's parameters are a pure function
/// of (seed, sample id, view index); with `views` = K > 0 a sample cycles through K fixed
/// views (view = epoch mod K), with `views` = 0 every epoch draws a fresh view. A view bank
/// (K > 0, `fresh` = p > 0) records the K views in the first K epochs; from then on each epoch
/// a sample takes, with probability p, a fresh view (index K + epoch) instead.
public struct Augmenter: Sendable, Hashable {
    /// The ops, applied in order.
    public let ops: [AugmentOp]
    /// Fixed views per sample (K), or 0 for a fresh view every epoch.
    public let views: Int
    /// With K > 0: the probability that a sample takes a fresh view in an epoch ≥ K.
    public let fresh: Double
    /// The augmentation seed.
    public let seed: UInt64
    /// The stored sample layout the ops apply to.
    public let input: SampleLayout
    /// The output sample shape [C, H, W].
    public let outputDims: [Int]

    /// Checks the ops against `input` (crop sizes, normalise channel counts).
    public init(ops: [AugmentOp], views: Int, fresh: Double = 0, seed: UInt64, input: SampleLayout) throws {
        guard views >= 0 else {
            throw DataError.invalidOption(key: "augment.views", reason: "must be ≥ 0, got \(views)")
        }
        guard fresh >= 0, fresh <= 1, fresh == 0 || views > 0 else {
            throw DataError.invalidOption(
                key: "augment.fresh", reason: "must be in [0, 1], and needs views ≥ 1, got \(fresh) with views \(views)"
            )
        }
        guard input.elementCount > 0 else {
            throw DataError.invalidOption(key: "augment", reason: "empty input \(input)")
        }
        let c = input.channels
        var h = input.height, w = input.width
        for (k, op) in ops.enumerated() {
            func bad(_ why: String) -> DataError {
                DataError.invalidOption(key: "augment.ops[\(k)].\(op.name)", reason: why)
            }
            switch op {
            case let .padCrop(size, pad):
                guard size > 0, pad >= 0, size <= h + 2 * pad, size <= w + 2 * pad else {
                    throw bad("crop \(size) does not fit \(h)×\(w) padded by \(pad)")
                }
                (h, w) = (size, size)
            case let .randomResizedCrop(size, scale, ratio):
                guard size > 0, scale.lowerBound > 0, scale.upperBound <= 1, ratio.lowerBound > 0 else {
                    throw bad("needs size > 0, scale within (0, 1], ratio > 0")
                }
                (h, w) = (size, size)
            case let .hflip(p), let .cutout(_, p):
                guard p >= 0, p <= 1 else { throw bad("probability \(p) outside [0, 1]") }
                if case let .cutout(size, _) = op, size <= 0 { throw bad("size must be positive") }
            case let .normalize(mean, std):
                guard mean.count == std.count, mean.count == 1 || mean.count == c else {
                    throw bad("needs 1 or \(c) means and stds, got \(mean.count) and \(std.count)")
                }
                guard std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
                    throw bad("std must be positive and finite")
                }
            }
        }
        self.ops = ops
        self.views = views
        self.fresh = fresh
        self.seed = seed
        self.input = input
        self.outputDims = [c, h, w]
    }

    /// Whether a view can recur, so a teacher-output store keyed by view can hit: true with
    /// K ≥ 1 fixed views or with no random op; false with `views: 0` and a random op.
    var isReplayable: Bool { views > 0 || !ops.contains(where: \.isRandom) }

    /// The view index sample `id` uses in `epoch`: epoch mod K, the epoch itself with no recorded
    /// views, or K + epoch when a view bank draws a fresh view (a pure function of seed, id, epoch).
    public func viewIndex(of id: SampleID, epoch: Int) -> Int {
        guard views > 0 else { return epoch }
        guard fresh > 0, epoch >= views,
            Double(CounterRandom(seed: seed ^ Self.freshTag, stream: Self.streamKey(id)).uniform(UInt64(epoch))) < fresh
        else { return epoch % views }
        return views + epoch
    }

    /// Whether view index `view` is a view bank's fresh draw (never one of the K recorded views).
    func isFreshDraw(_ view: Int) -> Bool { views > 0 && view >= views }

    /// Separates the fresh-or-recorded draws from the views' own random numbers.
    private static let freshTag: UInt64 = 0x6672_6573_6876_6965  // "freshvie"

    /// Elements per output sample.
    public var outputCount: Int { outputDims.reduce(1, *) }

    /// Draws the parameters of view `view` of sample `id` (pure function of seed, id, view).
    public func parameters(for id: SampleID, view: Int) -> ViewParameters {
        let base = CounterRandom(seed: seed, stream: Self.streamKey(id)).substream(UInt64(bitPattern: Int64(view)))
        var steps = [AugmentStep]()
        steps.reserveCapacity(ops.count)
        var h = input.height, w = input.width
        for (k, op) in ops.enumerated() {
            let rng = base.substream(UInt64(k))
            switch op {
            case let .padCrop(size, pad):
                let y = rng.integer(0, below: h + 2 * pad - size + 1) - pad
                let x = rng.integer(1, below: w + 2 * pad - size + 1) - pad
                steps.append(.crop(x: x, y: y, width: size, height: size, outHeight: size, outWidth: size))
                (h, w) = (size, size)
            case let .randomResizedCrop(size, scale, ratio):
                let box = Self.resizedCropBox(rng: rng, height: h, width: w, scale: scale, ratio: ratio)
                steps.append(
                    .crop(x: box.x, y: box.y, width: box.width, height: box.height, outHeight: size, outWidth: size))
                (h, w) = (size, size)
            case let .hflip(p):
                steps.append(.flip(rng.uniform(0) < p))
            case let .normalize(mean, std):
                steps.append(.normalize(mean: mean, std: std))
            case let .cutout(size, p):
                guard rng.uniform(0) < p else {
                    steps.append(.cutout(x: 0, y: 0, width: 0, height: 0))
                    continue
                }
                let cy = rng.integer(1, below: h), cx = rng.integer(2, below: w)
                let y0 = max(0, cy - size / 2), y1 = min(h, cy - size / 2 + size)
                let x0 = max(0, cx - size / 2), x1 = min(w, cx - size / 2 + size)
                steps.append(.cutout(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0)))
            }
        }
        return ViewParameters(view: view, steps: steps)
    }

    /// torchvision's RandomResizedCrop box: 10 tries at a random area and log-uniform aspect,
    /// else the central crop clamped to the ratio range.
    static func resizedCropBox(
        rng: CounterRandom, height h: Int, width w: Int,
        scale: ClosedRange<Float>, ratio: ClosedRange<Float>
    ) -> (x: Int, y: Int, width: Int, height: Int) {
        let area = Double(h * w)
        let logLo = log(Double(ratio.lowerBound)), logHi = log(Double(ratio.upperBound))
        for attempt in 0..<10 {
            let u0 = Double(rng.uniform(UInt64(2 * attempt))), u1 = Double(rng.uniform(UInt64(2 * attempt + 1)))
            let target = area * (Double(scale.lowerBound) + u0 * Double(scale.upperBound - scale.lowerBound))
            let aspect = exp(logLo + u1 * (logHi - logLo))
            let cw = Int((target * aspect).squareRoot().rounded())
            let ch = Int((target / aspect).squareRoot().rounded())
            if cw > 0, cw <= w, ch > 0, ch <= h {
                let y = rng.integer(100, below: h - ch + 1), x = rng.integer(101, below: w - cw + 1)
                return (x, y, cw, ch)
            }
        }
        let inRatio = Double(w) / Double(h)
        var cw = w, ch = h
        if inRatio < Double(ratio.lowerBound) {
            ch = Int((Double(w) / Double(ratio.lowerBound)).rounded())
        } else if inRatio > Double(ratio.upperBound) {
            cw = Int((Double(h) * Double(ratio.upperBound)).rounded())
        }
        return ((w - cw) / 2, (h - ch) / 2, cw, ch)
    }

    /// A stream id for a sample: FNV-1a of the dataset name mixed with shard and index, so it
    /// is stable across runs and platforms (unlike `Hasher`).
    static func streamKey(_ id: SampleID) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.dataset.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h = splitMix(h ^ UInt64(bitPattern: Int64(id.shard)))
        return splitMix(h ^ UInt64(bitPattern: Int64(id.index)) &* 0x9E37_79B9_7F4A_7C15)
    }

    static func splitMix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
