import KDTensor
import KDGradCheck
import Testing

@Suite struct PoolingTests {
    @Test(arguments: [
        ("maxpool2s2", Conv2dGeometry(kernel: 2, stride: 2)),
        ("maxpool3s2p1", Conv2dGeometry(kernel: 3, stride: 2, padding: 1)),
    ])
    func maxPoolMatchesPyTorch(name: String, geometry: Conv2dGeometry) {
        let x = fixture("\(name).x")
        let (y, argmax) = Pooling.maxForward(x, geometry: geometry)
        expectClose(y, fixture("\(name).y"), "\(name) forward")
        let gx = Pooling.maxBackward(fixture("\(name).gy"), argmax: argmax, inputShape: x.shape)
        expectClose(gx, fixture("\(name).gx"), "\(name) backward")
    }

    /// The 2×2 stride-2 window's vector path picks as the general rule does: the first element,
    /// then any larger or NaN one, row by row — on ties, NaNs and −∞, across 8-wide chunks and
    /// a ragged tail (20 outputs a row).
    @Test func twoByTwoMaxPoolKeepsTheChoiceRule() {
        let (planes, h, w) = (3, 6, 40)
        var values = CounterRandom(seed: 7).normalTensor([1, planes, h, w]).scalars.map { ($0 * 2).rounded() / 2 }
        for i in stride(from: 3, to: values.count, by: 37) { values[i] = .nan }
        for i in stride(from: 11, to: values.count, by: 29) { values[i] = -.infinity }
        let (y, argmax) = Pooling.maxForward(
            Tensor(shape: [1, planes, h, w], scalars: values), geometry: Conv2dGeometry(kernel: 2, stride: 2))
        for p in 0..<planes {
            for r in 0..<h / 2 {
                for q in 0..<w / 2 {
                    var bestIndex = 2 * r * w + 2 * q
                    for index in [2 * r * w + 2 * q + 1, (2 * r + 1) * w + 2 * q, (2 * r + 1) * w + 2 * q + 1] {
                        let (v, best) = (values[p * h * w + index], values[p * h * w + bestIndex])
                        if v > best || v.isNaN { bestIndex = index }
                    }
                    let out = (p * h / 2 + r) * w / 2 + q
                    #expect(Int(argmax[out]) == bestIndex, "plane \(p), output (\(r), \(q))")
                    #expect(y.scalars[out].bitPattern == values[p * h * w + bestIndex].bitPattern)
                }
            }
        }
    }

    @Test(arguments: [
        ("avgpool3s1p1", Conv2dGeometry(kernel: 3, stride: 1, padding: 1)),
        ("avgpool2s2", Conv2dGeometry(kernel: 2, stride: 2)),
    ])
    func averagePoolMatchesPyTorch(name: String, geometry: Conv2dGeometry) {
        let x = fixture("\(name).x")
        expectClose(Pooling.averageForward(x, geometry: geometry), fixture("\(name).y"), "\(name) forward")
        let gx = Pooling.averageBackward(fixture("\(name).gy"), inputShape: x.shape, geometry: geometry)
        expectClose(gx, fixture("\(name).gx"), "\(name) backward")
    }

    @Test func globalAverageIsTheSpatialMean() {
        let x = fixture("maxpool2s2.x")
        let y = Pooling.globalAverageForward(x)
        expectClose(y, x.mean(axes: [2, 3]), "global average")
        let gx = Pooling.globalAverageBackward(Tensor.ones([2, 3]), inputShape: x.shape)
        expectClose(gx, Tensor(repeating: 1 / 56, shape: x.shape), "global average backward")
    }
}
