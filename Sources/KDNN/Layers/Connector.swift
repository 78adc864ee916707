import KDAutodiff

/// A 1×1 conv + BN that maps student features to the teacher's channel count (OverHaul, FitNets),
/// named `0.weight`, `1.weight`, … as overhaul-distillation's nn.Sequential connector.
public final class Connector: Module {
    public let conv: Conv2d
    public let bn: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, init ini: ParameterInitializer) {
        conv = Conv2d(inChannels, outChannels, kernel: 1, bias: false, init: ini)
        bn = BatchNorm(outChannels)
    }

    public override var children: [(String, Module)] { [("0", conv), ("1", bn)] }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { bn(conv(x, ctx), ctx) }
}
