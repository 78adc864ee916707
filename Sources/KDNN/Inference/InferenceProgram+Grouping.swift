import KDTensor

/// Image by image, a convolution on a small map has few rows per read of its weights: a 7×7
/// map is 4 Winograd tiles, each multiplying all 36 of the layer's [c, o] matrices (9.4 MB at
/// 256 channels) once. From the first such convolution on, the trunk runs step by step over a
/// group of images, and a Winograd convolution multiplies the tiles of all of them at once.
extension InferenceProgram {
    /// Images a grouped step takes at once: with 4 tiles per image, 64 tiles make blocks of
    /// whole `ChannelsLast.winogradBlockTiles`.
    static let groupImages = 16

    /// Sets `groupFrom` to the first Winograd convolution whose map has fewer tiles than a
    /// block (none: the trunk's end), and the slots and region size the grouped steps need.
    mutating func groupSmallMaps() {
        groupFrom = trunk.firstIndex(where: Self.hasFewTiles) ?? trunk.count
        var written: Set<Int> = []
        var inputs: [Int: Int] = [:]
        for step in trunk[groupFrom...] {
            let (reads, writes) = Self.slotUses(step)
            for (slot, floats) in reads where slot != Activation.input && !written.contains(slot) {
                inputs[slot] = max(inputs[slot] ?? 0, floats)
            }
            for (slot, _) in writes { written.insert(slot) }
            groupRegionFloats = max(groupRegionFloats, (reads + writes).map(\.floats).max() ?? 0)
        }
        groupInputs = inputs.sorted { $0.key < $1.key }.map { (slot: $0.key, floats: $0.value) }
    }

    /// Whether `step` is a Winograd convolution with fewer tiles than a block.
    private static func hasFewTiles(_ step: TrunkStep) -> Bool {
        guard case .convolution(let s) = step, case .winograd(let u) = s.weight else { return false }
        let (oh, ow) = s.geometry.outputSize(h: s.h, w: s.w)
        return u.tiles(oh: oh, ow: ow) < ChannelsLast.winogradBlockTiles
    }

    /// The slots a step reads and writes, with the floats of one image's activation in each.
    static func slotUses(_ step: TrunkStep) -> (reads: [(slot: Int, floats: Int)], writes: [(slot: Int, floats: Int)]) {
        switch step {
        case .convolution(let s):
            let (oh, ow) = s.geometry.outputSize(h: s.h, w: s.w)
            let out = oh * ow * s.o
            return (
                [(s.src, s.h * s.w * s.c)] + (s.residual.map { [($0, out)] } ?? []),
                [(s.dst, out)] + (s.pooled.map { [($0, (oh / 2) * (ow / 2) * s.o)] } ?? [])
            )
        case let .toChannelsLast(dst, c, plane): return ([], [(dst, c * plane)])
        case let .affine(src, dst, rows, cols, _, _, _): return ([(src, rows * cols)], [(dst, rows * cols)])
        case let .relu(slot, rows, cols): return ([(slot, rows * cols)], [(slot, rows * cols)])
        case let .maxPool(src, dst, h, w, c): return ([(src, h * w * c)], [(dst, (h / 2) * (w / 2) * c)])
        case let .tap(_, slot, plane, c): return ([(slot, plane * c)], [])
        case let .mean(src, rows, cols): return ([(src, rows * cols)], [])
        case let .flatten(src, count): return ([(src, count)], [])
        }
    }
}
