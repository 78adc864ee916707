import KDAutodiff
import KDTensor

/// A 1×1 conv + BN that maps student features to the teacher's channel count (OverHaul, FitNets),
/// named `0.weight`, `1.weight`, … as overhaul-distillation's nn.Sequential connector. Flat
/// features [N, C] (an MLP's hidden layer) pass as N×C×1×1 maps: a linear map + BN.
public final class Connector: Module {
    let conv: Conv2d
    public let bn: BatchNorm

    public init(_ inChannels: Int, _ outChannels: Int, init ini: ParameterInitializer) {
        conv = Conv2d(inChannels, outChannels, kernel: 1, bias: false, init: ini)
        bn = BatchNorm(outChannels)
    }

    public override var children: [(String, Module)] { [("0", conv), ("1", bn)] }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        guard x.shape.rank == 2 else { return bn(conv(x, ctx), ctx) }
        let n = x.shape[0]
        return bn(conv(x.reshaped([n, x.shape[1], 1, 1]), ctx), ctx).reshaped([n, -1])
    }

    /// Whether a connector maps `from` to `to`: NCHW maps of equal height and width, or flat [N, C] features.
    public static func maps(_ from: Shape, to: Shape) -> Bool {
        (from.rank == 2 && to.rank == 2) || (from.rank == 4 && to.rank == 4 && from[2] == to[2] && from[3] == to[3])
    }
}
