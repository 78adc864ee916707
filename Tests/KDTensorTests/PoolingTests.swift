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
