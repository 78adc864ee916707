import KDAutodiff
import KDTensor

/// Max pooling (PyTorch's MaxPool2d; stride defaults to the kernel size).
final class MaxPool2d: Module {
    /// Window geometry.
    public let geometry: Conv2dGeometry
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        geometry = Conv2dGeometry(kernel: kernel, stride: stride ?? kernel, padding: padding)
    }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { x.maxPool2d(geometry: geometry) }
}

/// Average pooling (PyTorch's AvgPool2d with count_include_pad; stride defaults to the kernel).
final class AvgPool2d: Module {
    /// Window geometry.
    public let geometry: Conv2dGeometry
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        geometry = Conv2dGeometry(kernel: kernel, stride: stride ?? kernel, padding: padding)
    }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { x.avgPool2d(geometry: geometry) }
}

/// AdaptiveAvgPool2d(1) followed by flatten: [N, C, H, W] → [N, C].
final class GlobalAvgPool: Module {
    public override init() {}
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { x.globalAvgPool() }
}
