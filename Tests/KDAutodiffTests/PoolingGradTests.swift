import KDGradCheck
import KDAutodiff
import KDTensor
import Testing

@Suite struct PoolingGradTests {
    @Test func maxPool() {
        let x = distinctValues([2, 2, 5, 5], seed: 80)
        checkGradients([x]) { $0[0].maxPool2d(geometry: Conv2dGeometry(kernel: 2, stride: 2)) }
        checkGradients([x]) { $0[0].maxPool2d(geometry: Conv2dGeometry(kernel: 3, stride: 2, padding: 1)) }
    }

    @Test func averagePools() {
        let x = randomTensor([2, 2, 5, 4], seed: 81)
        checkGradients([x]) { $0[0].avgPool2d(geometry: Conv2dGeometry(kernel: 3, stride: 1, padding: 1)) }
        checkGradients([x]) { $0[0].globalAvgPool() }
    }
}
