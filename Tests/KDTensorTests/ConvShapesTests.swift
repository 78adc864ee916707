@testable import KDTensor
import KDGradCheck
import Testing

/// Convolutions on many small widths and channel counts against a direct loop, so every
/// ragged-row and partial-block path of im2col, col2im, the wide-row kernels and the output
/// transposes is exercised.
@Suite struct ConvShapesTests {
    static func values(_ count: Int, seed: Int) -> [Float] {
        var state = UInt32(truncatingIfNeeded: seed &* 2_654_435_761 &+ 1)
        return (0..<count).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
    }

    static let cases: [(c: Int, o: Int, hw: Int, stride: Int, pad: Int)] = [
        (1, 16, 7, 1, 1), (3, 8, 5, 1, 1), (2, 9, 12, 1, 1), (4, 16, 14, 1, 1), (2, 17, 28, 1, 1),
        (3, 24, 13, 2, 1), (2, 8, 4, 1, 1), (1, 8, 3, 1, 1), (2, 16, 19, 1, 0), (3, 32, 9, 1, 0),
        (5, 24, 16, 1, 1),
    ]

    @Test(arguments: 0..<cases.count)
    func matchesDirectLoops(index: Int) {
        let t = Self.cases[index]
        let (n, k) = (2, 3)
        let g = Conv2dGeometry(kernel: k, stride: t.stride, padding: t.pad)
        let (oh, ow) = g.outputSize(h: t.hw, w: t.hw)
        let x = Tensor(shape: [n, t.c, t.hw, t.hw], scalars: Self.values(n * t.c * t.hw * t.hw, seed: 1))
        let w = Tensor(shape: [t.o, t.c, k, k], scalars: Self.values(t.o * t.c * k * k, seed: 2))
        let b = Tensor(shape: [t.o], scalars: Self.values(t.o, seed: 3))
        let gy = Tensor(shape: [n, t.o, oh, ow], scalars: Self.values(n * t.o * oh * ow, seed: 4))
        let xs = x.scalars, ws = w.scalars, bs = b.scalars, gys = gy.scalars
        var y = [Float](repeating: 0, count: n * t.o * oh * ow)
        var gx = [Float](repeating: 0, count: xs.count)
        var gw = [Float](repeating: 0, count: ws.count)
        for i in 0..<n {
            for o in 0..<t.o {
                for r in 0..<oh {
                    for q in 0..<ow {
                        let yi = ((i * t.o + o) * oh + r) * ow + q
                        var sum: Double = Double(bs[o])
                        for c in 0..<t.c {
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let ih = r * t.stride - t.pad + ki, iw = q * t.stride - t.pad + kj
                                    guard ih >= 0, ih < t.hw, iw >= 0, iw < t.hw else { continue }
                                    let xi = ((i * t.c + c) * t.hw + ih) * t.hw + iw
                                    let wi = ((o * t.c + c) * k + ki) * k + kj
                                    sum += Double(xs[xi]) * Double(ws[wi])
                                    gx[xi] += gys[yi] * ws[wi]
                                    gw[wi] += gys[yi] * xs[xi]
                                }
                            }
                        }
                        y[yi] = Float(sum)
                    }
                }
            }
        }
        let what = "c\(t.c) o\(t.o) \(t.hw)x\(t.hw) s\(t.stride) p\(t.pad)"
        expectClose(
            Convolution.forward(input: x, weight: w, bias: b, geometry: g),
            Tensor(shape: [n, t.o, oh, ow], scalars: y), "\(what) forward")
        let grads = Convolution.backward(
            gradOutput: gy, input: x, weight: w, geometry: g,
            needInput: true, needWeight: true, needBias: false)
        expectClose(grads.input!, Tensor(shape: x.shape, scalars: gx), "\(what) input gradient")
        expectClose(grads.weight!, Tensor(shape: w.shape, scalars: gw), "\(what) weight gradient")
    }
}
