import KDAutodiff
import KDTensor

/// A 1×1 conv, with or without a BN after it, that maps student features to the teacher's
/// channel count (OverHaul, FitNets, AB), named `0.weight`, `1.weight`, … as
/// overhaul-distillation's nn.Sequential connector. Flat features [N, C] (an MLP's hidden layer)
/// pass as N×C×1×1 maps: a linear map (+ BN).
final class Conv1x1BNConnector: FeatureConnector {
    let conv: Conv2d
    let bn: BatchNorm?

    init(_ inChannels: Int, _ outChannels: Int, batchNorm: Bool, init ini: ParameterInitializer) {
        conv = Conv2d(inChannels, outChannels, kernel: 1, bias: false, init: ini)
        bn = batchNorm ? BatchNorm(outChannels) : nil
    }

    override var children: [(String, Module)] { [("0", conv)] + (bn.map { [("1", $0)] } ?? []) }
    override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        let y = conv(Self.maps(x), ctx)
        return Self.restored(bn.map { $0(y, ctx) } ?? y, like: x)
    }
}

extension ConnectorKind {
    static let conv1x1BN = pointwise(
        "conv1x1_bn", doc: "1×1 conv + BN to the target's channel count (OverHaul, FitNets, AB)", batchNorm: true)

    /// Without the BN: a loss on the output then also sees the student's scale, which a student
    /// without BN of its own (the `cnn`) needs, or AB's scale-free hinge lets its weights grow.
    static let conv1x1 = pointwise(
        "conv1x1", doc: "1×1 conv (no bias, no BN) to the target's channel count", batchNorm: false)

    /// A 1×1 conv (+ BN) from `from` to `to`'s channels, on maps of equal size or flat features.
    private static func pointwise(_ name: String, doc: String, batchNorm: Bool) -> ConnectorKind {
        ConnectorKind(
            name: name, doc: doc, inputs: [.to], options: [], outputs: ["out"],
            shapes: { inputs, _, _ in
                Shapes(outputs: ["out": inputs["to"]!], problem: .sameSpatialSize(inputs))
            },
            build: { inputs, _, _, ini in
                Conv1x1BNConnector(inputs["from"]![1], inputs["to"]![1], batchNorm: batchNorm, init: ini)
            })
    }
}
