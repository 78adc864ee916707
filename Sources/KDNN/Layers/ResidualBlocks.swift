import KDAutodiff

/// A residual block that can also hand out its pre-ReLU sum (OverHaul distils it).
public protocol ResidualBlock: Module {
    /// The block's output and its value before the final ReLU.
    func forwardWithPreactivation(_ x: Variable, _ ctx: ForwardContext) -> (output: Variable, preact: Variable)
}

/// conv1×1 (stride) + BN on the shortcut, named `downsample.0` / `downsample.1` as in torchvision.
func makeDownsample(_ inPlanes: Int, _ outPlanes: Int, stride: Int, init ini: ParameterInitializer) -> Sequential {
    Sequential([Conv2d(inPlanes, outPlanes, kernel: 1, stride: stride, bias: false, init: ini), BatchNorm(outPlanes)])
}

/// Two 3×3 convs with BN and a shortcut (He et al.; RepDistiller's CIFAR BasicBlock).
public final class BasicBlock: Module, ResidualBlock {
    /// Channel growth of the block's output.
    static let expansion = 1
    public let conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm
    public let downsample: Sequential?

    public init(_ inPlanes: Int, _ planes: Int, stride: Int = 1, init ini: ParameterInitializer) {
        conv1 = Conv2d(inPlanes, planes, kernel: 3, stride: stride, padding: 1, bias: false, init: ini)
        bn1 = BatchNorm(planes)
        conv2 = Conv2d(planes, planes, kernel: 3, padding: 1, bias: false, init: ini)
        bn2 = BatchNorm(planes)
        downsample =
            stride != 1 || inPlanes != planes ? makeDownsample(inPlanes, planes, stride: stride, init: ini) : nil
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func forwardWithPreactivation(_ x: Variable, _ ctx: ForwardContext) -> (output: Variable, preact: Variable) {
        let out = bn2(conv2(bn1.forwardReLU(conv1(x, ctx), ctx), ctx), ctx)
        let preact = out + (downsample?(x, ctx) ?? x)
        return (preact.relu(), preact)
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        forwardWithPreactivation(x, ctx).output
    }
}

/// 1×1 → 3×3 → 1×1 (×4) convs with BN and a shortcut.
public final class Bottleneck: Module, ResidualBlock {
    /// Channel growth of the block's output.
    static let expansion = 4
    public let conv1: Conv2d, bn1: BatchNorm, conv2: Conv2d, bn2: BatchNorm, conv3: Conv2d, bn3: BatchNorm
    public let downsample: Sequential?

    public init(_ inPlanes: Int, _ planes: Int, stride: Int = 1, init ini: ParameterInitializer) {
        let out = planes * Self.expansion
        conv1 = Conv2d(inPlanes, planes, kernel: 1, bias: false, init: ini)
        bn1 = BatchNorm(planes)
        conv2 = Conv2d(planes, planes, kernel: 3, stride: stride, padding: 1, bias: false, init: ini)
        bn2 = BatchNorm(planes)
        conv3 = Conv2d(planes, out, kernel: 1, bias: false, init: ini)
        bn3 = BatchNorm(out)
        downsample = stride != 1 || inPlanes != out ? makeDownsample(inPlanes, out, stride: stride, init: ini) : nil
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3)]
            + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func forwardWithPreactivation(_ x: Variable, _ ctx: ForwardContext) -> (output: Variable, preact: Variable) {
        var out = bn1.forwardReLU(conv1(x, ctx), ctx)
        out = bn2.forwardReLU(conv2(out, ctx), ctx)
        out = bn3(conv3(out, ctx), ctx)
        let preact = out + (downsample?(x, ctx) ?? x)
        return (preact.relu(), preact)
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        forwardWithPreactivation(x, ctx).output
    }
}
