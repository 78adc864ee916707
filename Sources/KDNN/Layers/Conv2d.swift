import KDAutodiff
import KDTensor

/// 2-D convolution over NCHW with weight [out, in, k, k] (PyTorch's OIHW layout).
public final class Conv2d: Module {
    /// Weight [out, in, k, k].
    public let weight: Parameter
    /// Bias [out], if any.
    public let bias: Parameter?
    /// Kernel, stride, padding.
    public let geometry: Conv2dGeometry

    /// A layer with PyTorch's default initialisation.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, init ini: ParameterInitializer
    ) {
        let fanIn = inChannels * kernel * kernel
        weight = Parameter(ini.pytorchDefault([outChannels, inChannels, kernel, kernel], fanIn: fanIn))
        self.bias = bias ? Parameter(ini.pytorchDefault([outChannels], fanIn: fanIn)) : nil
        geometry = Conv2dGeometry(kernel: kernel, stride: stride, padding: padding)
    }

    public override var ownParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        x.conv2d(weight: ctx.variable(weight), bias: bias.map { ctx.variable($0) }, geometry: geometry)
    }
}
