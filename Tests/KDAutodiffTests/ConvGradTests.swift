import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct ConvGradTests {
    @Test(arguments: [
        Conv2dGeometry(kernel: 3, stride: 1, padding: 1),
        Conv2dGeometry(kernel: 3, stride: 2, padding: 0),
        Conv2dGeometry(kernel: 1, stride: 1, padding: 0),
        Conv2dGeometry(kernel: 2, stride: 2, padding: 1),
    ])
    func conv2dWithAndWithoutBias(geometry: Conv2dGeometry) {
        let x = randomTensor([2, 2, 5, 5], seed: 70), w = randomTensor([3, 2, geometry.kh, geometry.kw], seed: 71)
        checkGradients([x, w, randomTensor([3], seed: 72)]) {
            $0[0].conv2d(weight: $0[1], bias: $0[2], geometry: geometry)
        }
        checkGradients([x, w]) { $0[0].conv2d(weight: $0[1], bias: nil, geometry: geometry) }
    }
}
