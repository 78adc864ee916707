import KDTensor
import KDGradCheck
import Testing

@Suite struct ConvTests {
    static let cases: [(String, Conv2dGeometry)] = [
        ("conv3x3s1p1", Conv2dGeometry(kernel: 3, stride: 1, padding: 1)),
        ("conv3x3s2p0", Conv2dGeometry(kernel: 3, stride: 2, padding: 0)),
        ("conv5x5s2p2", Conv2dGeometry(kernel: 5, stride: 2, padding: 2)),
        ("conv1x1", Conv2dGeometry(kernel: 1)),
        ("conv1x1s2", Conv2dGeometry(kernel: 1, stride: 2)),
    ]

    @Test(arguments: cases)
    func matchesPyTorch(name: String, geometry: Conv2dGeometry) {
        let x = fixture("\(name).x"), w = fixture("\(name).w"), b = fixture("\(name).b"), gy = fixture("\(name).gy")
        let y = Convolution.forward(input: x, weight: w, bias: b, geometry: geometry)
        expectClose(y, fixture("\(name).y"), "\(name) forward")
        let g = Convolution.backward(
            gradOutput: gy, input: x, weight: w, geometry: geometry,
            needInput: true, needWeight: true, needBias: true)
        expectClose(g.input!, fixture("\(name).gx"), "\(name) input gradient")
        expectClose(g.weight!, fixture("\(name).gw"), "\(name) weight gradient")
        expectClose(g.bias!, fixture("\(name).gb"), "\(name) bias gradient")
    }

    @Test func resultDoesNotDependOnThreadCount() {
        let x = fixture("conv3x3s1p1.x"), w = fixture("conv3x3s1p1.w"), gy = fixture("conv3x3s1p1.gy")
        let g = Conv2dGeometry(kernel: 3, padding: 1)
        let saved = ThreadBudget.threads
        defer { ThreadBudget.threads = saved }
        ThreadBudget.threads = 1
        let one = Convolution.backward(
            gradOutput: gy, input: x, weight: w, geometry: g, needInput: true, needWeight: true, needBias: false)
        ThreadBudget.threads = 2
        let two = Convolution.backward(
            gradOutput: gy, input: x, weight: w, geometry: g, needInput: true, needWeight: true, needBias: false)
        #expect(one.weight == two.weight)
        #expect(one.input == two.input)
    }
}
