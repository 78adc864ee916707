import KDAutodiff
import KDTensor

/// A 1×1 conv + BN that maps student features to the teacher's channel count (OverHaul, FitNets,
/// AB), named `0.weight`, `1.weight`, … as overhaul-distillation's nn.Sequential connector. Flat
/// features [N, C] (an MLP's hidden layer) pass as N×C×1×1 maps: a linear map + BN.
final class Conv1x1BNConnector: FeatureConnector {
    let conv: Conv2d
    let bn: BatchNorm

    init(_ inChannels: Int, _ outChannels: Int, init ini: ParameterInitializer) {
        conv = Conv2d(inChannels, outChannels, kernel: 1, bias: false, init: ini)
        bn = BatchNorm(outChannels)
    }

    public override var children: [(String, Module)] { [("0", conv), ("1", bn)] }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        Self.restored(bn(conv(Self.maps(x), ctx), ctx), like: x)
    }
}

extension ConnectorKind {
    static let conv1x1BN = ConnectorKind(
        name: "conv1x1_bn", doc: "1×1 conv + BN to the target's channel count (OverHaul, FitNets, AB)",
        inputs: [.to], options: [], outputs: ["out"],
        shapes: { inputs, _, _ in
            Shapes(outputs: ["out": inputs["to"]!], problem: .sameSpatialSize(inputs))
        },
        build: { inputs, _, _, ini in Conv1x1BNConnector(inputs["from"]![1], inputs["to"]![1], init: ini) })
}
