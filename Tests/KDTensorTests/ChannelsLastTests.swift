import KDTensor
import Testing

/// The channels-last convolution of a shallow window (the stem over 1–3 input channels: the
/// image read in place, zero-padded) agrees with the training path's channels-first one.
@Suite struct ChannelsLastTests {
    /// (c, o, h, w, kernel, stride, padding).
    static let cases: [(Int, Int, Int, Int, Int, Int, Int)] = [
        (1, 16, 28, 28, 3, 1, 1), (3, 16, 12, 9, 3, 1, 1), (1, 24, 11, 13, 3, 2, 1), (2, 8, 7, 6, 5, 2, 2),
        (3, 32, 5, 5, 3, 1, 0),
    ]

    @Test(arguments: 0..<cases.count)
    func shallowConvolutionAgreesWithTheTrainingPath(index: Int) {
        let (c, o, h, w, kernel, stride, padding) = Self.cases[index]
        let g = Conv2dGeometry(kernel: kernel, stride: stride, padding: padding)
        let (oh, ow) = g.outputSize(h: h, w: w)
        let random = CounterRandom(seed: 11 + UInt64(index))
        let x = random.substream(1).normalTensor([1, c, h, w])
        let weight = random.substream(2).normalTensor([o, c, kernel, kernel], std: 0.3)
        let bias = random.substream(3).normalTensor([o])
        let residual = random.substream(4).normalTensor([oh * ow * o]).scalars
        let want = Convolution.forward(input: x, weight: weight, bias: bias, geometry: g).scalars
        // Channels-last image [h·w, c] and weight [kh·kw·c, o] (window position, then channel).
        let image = (0..<h * w * c).map { x.scalars[($0 % c) * h * w + $0 / c] }
        let k = kernel * kernel * c
        let folded = (0..<k * o).map { index -> Float in
            let (p, oc) = (index / o, index % o), (position, ch) = (p / c, p % c)
            return weight.scalars[(oc * c + ch) * kernel * kernel + position]
        }
        var scratch = [Float](repeating: .nan, count: ChannelsLast.scratchFloats(c: c, h: h, w: w, geometry: g))
        var got = [Float](repeating: .nan, count: oh * ow * o)
        ChannelsLast.convolve(
            image, c: c, h: h, w: w, geometry: g, weight: PackedPanels(folded, k: k, n: o), bias: bias.scalars,
            residual: residual, relu: true, scratch: &scratch, into: &got)
        var error: Float = 0, scale: Float = 0
        for pixel in 0..<oh * ow {
            for oc in 0..<o {
                let expected = max(want[oc * oh * ow + pixel] + residual[pixel * o + oc], 0)
                error = max(error, abs(got[pixel * o + oc] - expected))
                scale = max(scale, abs(expected))
            }
        }
        #expect(error <= 1e-5 * scale, "\(Self.cases[index]): max |Δ| \(error) of \(scale)")
    }
}
