import Foundation
import KDAutodiff
import KDTensor

/// Variational information distillation's regressor (Ahn et al. 2019; RepDistiller `VIDLoss`):
/// the mean μ(s) of the teacher's features given the student's, three 1×1 convolutions with ReLU
/// between (no bias; the middle width is the teacher's channel count, as RepDistiller builds it),
/// and a learned per-channel variance σ² = softplus(log_scale) + ε. Outputs `out` (μ, the
/// teacher's shape) and `variance` ([C]). Flat features pass as N×C×1×1 maps.
final class VIDRegressor: FeatureConnector {
    let conv1: Conv2d, conv2: Conv2d, conv3: Conv2d
    let logScale: Parameter
    /// ε added to the softplus, so σ² never reaches 0.
    static let varianceFloor: Float = 1e-5

    init(_ inChannels: Int, _ outChannels: Int, initialVariance: Double, init ini: ParameterInitializer) {
        conv1 = Conv2d(inChannels, outChannels, kernel: 1, bias: false, init: ini)
        conv2 = Conv2d(outChannels, outChannels, kernel: 1, bias: false, init: ini)
        conv3 = Conv2d(outChannels, outChannels, kernel: 1, bias: false, init: ini)
        // softplus⁻¹(initialVariance − ε), so σ² starts at initialVariance.
        let start = Float(Foundation.log(Foundation.expm1(initialVariance - Double(Self.varianceFloor))))
        logScale = Parameter(Tensor(repeating: start, shape: Shape([outChannels])))
    }

    public override var children: [(String, Module)] {
        [("regressor.0", conv1), ("regressor.2", conv2), ("regressor.4", conv3)]
    }
    public override var ownParameters: [(String, Parameter)] { [("log_scale", logScale)] }

    public override func outputs(_ inputs: [String: Variable], _ ctx: ForwardContext) -> [String: Variable] {
        let x = inputs["from"]!
        let mean = conv3(conv2(conv1(Self.maps(x), ctx).relu(), ctx).relu(), ctx)
        return [
            "out": Self.restored(mean, like: x), "variance": ctx.variable(logScale).softplus() + Self.varianceFloor,
        ]
    }
}

extension ConnectorKind {
    static let vid = ConnectorKind(
        name: "vid",
        doc:
            "VID regressor: the teacher feature's mean from the student's (three 1×1 convs) and a learned per-channel variance",
        inputs: [.to],
        options: [
            ConnectorOption(
                name: "initial_variance", defaultValue: 5, minimum: 1e-3, maximum: 1e3, integer: false,
                doc: "σ² at the start (RepDistiller's init_pred_var)")
        ],
        outputs: ["out", "variance"],
        shapes: { inputs, _, _ in
            Shapes(
                outputs: ["out": inputs["to"]!, "variance": Shape([inputs["to"]![1]])],
                problem: .sameSpatialSize(inputs))
        },
        build: { inputs, options, _, ini in
            VIDRegressor(
                inputs["from"]![1], inputs["to"]![1], initialVariance: options["initial_variance"]!, init: ini)
        })
}
