import KDTensor
import Testing

/// Both Winograd tile sizes agree with the unfolded convolution (bias, residual and ReLU
/// included) on images whose tiles overhang the output, fit it exactly, or are fewer than a
/// block, and whose last tiles are 1–5 rows of the micro-kernel's 6.
@Suite struct WinogradTests {
    /// (c, o, h, w, padding).
    static let cases: [(Int, Int, Int, Int, Int)] = [
        (8, 16, 7, 7, 1), (16, 8, 9, 6, 1), (16, 16, 28, 28, 1), (8, 24, 2, 3, 1), (8, 8, 10, 10, 0),
        (32, 32, 14, 14, 1), (8, 16, 9, 9, 1), (8, 16, 8, 4, 1), (8, 16, 20, 4, 1),
    ]

    @Test(arguments: 0..<cases.count)
    func agreesWithTheUnfoldedConvolution(index: Int) {
        let (c, o, h, w, padding) = Self.cases[index]
        let g = Conv2dGeometry(kernel: 3, padding: padding)
        let (oh, ow) = g.outputSize(h: h, w: w)
        let random = CounterRandom(seed: 7 + UInt64(index))
        let x = random.substream(1).normalTensor([h * w * c]).scalars
        let weight = random.substream(2).normalTensor([9 * c * o], std: 0.2).scalars
        let bias = random.substream(3).normalTensor([o]).scalars
        let residual = random.substream(4).normalTensor([oh * ow * o]).scalars
        let scratchFloats = max(
            ChannelsLast.scratchFloats(c: c, h: h, w: w, geometry: g),
            ChannelsLast.winogradScratchFloats(c: c, o: o, tile: 2),
            ChannelsLast.winogradScratchFloats(c: c, o: o, tile: 4))
        var scratch = [Float](repeating: 0, count: scratchFloats)
        var want = [Float](repeating: 0, count: oh * ow * o)
        ChannelsLast.convolve(
            x, c: c, h: h, w: w, geometry: g, weight: PackedPanels(weight, k: 9 * c, n: o), bias: bias,
            residual: residual, relu: true, scratch: &scratch, into: &want)
        let scale = want.map(abs).max() ?? 0
        for tile in [2, 4] {
            var got = [Float](repeating: .nan, count: oh * ow * o)
            ChannelsLast.convolve(
                x, h: h, w: w, padding: padding, winograd: WinogradWeight(weight, c: c, o: o, tile: tile), bias: bias,
                residual: residual, relu: true, scratch: &scratch, into: &got)
            let error = zip(got, want).map { abs($0 - $1) }.max() ?? .nan
            #expect(
                error <= 1e-5 * scale, "F(\(tile)×\(tile), 3×3) on \(Self.cases[index]): max |Δ| \(error) of \(scale)")
        }
    }

    @Test func picksTheTileWithFewerProducts() {
        #expect(WinogradWeight.tile(oh: 28, ow: 28) == 4)
        #expect(WinogradWeight.tile(oh: 7, ow: 7) == 4)
        #expect(WinogradWeight.tile(oh: 2, ow: 2) == 2)
    }
}
