import KDAutodiff
import KDTensor

/// SimKD's projector (Chen et al. 2022; DefangChen/SimKD `SimKD.transfer`): a bottleneck of 1×1 conv
/// + BN + ReLU to C/factor channels, 3×3 conv + BN + ReLU, 1×1 conv + BN + ReLU to the teacher's C
/// (no biases), named `transfer.0` … `transfer.7` as the anchor's nn.Sequential. A student map larger
/// than the teacher's is first adaptive-average-pooled to the teacher's side; when it is the smaller,
/// `target` is the teacher's map pooled to the student's side (else the teacher's map itself). Flat
/// features pass as N×C×1×1 maps. The deployed student reads `out` through the teacher's classifier
/// (`ComposedClassifier`).
public final class SimKDProjector: FeatureConnector {
    /// The three conv + BN pairs, each followed by a ReLU.
    public let layers: [(conv: Conv2d, bn: BatchNorm)]
    /// The side of the teacher's map (1 for flat features), to which larger student maps are pooled.
    public let targetSide: Int
    /// The side of the student maps it was built for; nil for flat features (what an export lowers).
    public let sourceSide: Int?

    init(
        _ inChannels: Int, _ outChannels: Int, factor: Int, sourceSide: Int?, targetSide: Int,
        init ini: ParameterInitializer
    ) {
        let mid = outChannels / factor
        layers = [(inChannels, mid, 1), (mid, mid, 3), (mid, outChannels, 1)].map { c in
            (Conv2d(c.0, c.1, kernel: c.2, padding: c.2 / 2, bias: false, init: ini), BatchNorm(c.1))
        }
        self.sourceSide = sourceSide
        self.targetSide = targetSide
    }

    public override var children: [(String, Module)] {
        layers.enumerated().flatMap { i, layer -> [(String, Module)] in
            [("transfer.\(i * 3)", layer.conv), ("transfer.\(i * 3 + 1)", layer.bn)]
        }
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        let maps = Self.maps(x)
        let pooled = maps.adaptiveAvgPooled(to: min(maps.shape[2], targetSide))
        return Self.restored(layers.reduce(pooled) { $1.bn($1.conv($0, ctx), ctx).relu() }, like: x)
    }

    public override func outputs(_ inputs: [String: Variable], _ ctx: ForwardContext) -> [String: Variable] {
        let out = forward(inputs["from"]!, ctx), teacher = inputs["to"]!
        return ["out": out, "target": teacher.shape.rank == 4 ? teacher.adaptiveAvgPooled(to: out.shape[2]) : teacher]
    }
}

extension ConnectorKind {
    static let simkd = ConnectorKind(
        name: "simkd",
        doc:
            "SimKD projector: bottleneck 1×1 / 3×3 / 1×1 conv + BN + ReLU from the student's last map to the teacher's channels",
        inputs: [
            ConnectorInput(
                name: "to", required: true,
                doc: "the teacher's map its classifier pools (e.g. teacher.layer3; the cnn's teacher.features)")
        ],
        options: [
            ConnectorOption(
                name: "factor", defaultValue: 2, minimum: 1, maximum: 64, integer: true,
                doc: "bottleneck reduction: the middle width is the teacher's channels ÷ factor")
        ],
        outputs: ["out", "target"],
        shapes: { inputs, options, _ in
            let (from, to) = (inputs["from"]!, inputs["to"]!)
            let square = { (s: Shape) in s.rank == 4 && s[2] == s[3] }
            guard (from.rank == 2 && to.rank == 2) || (square(from) && square(to)) else {
                return Shapes(
                    outputs: [:],
                    problem: .init(input: "from", message: "it needs square NCHW maps, or [N, C] features"))
            }
            let out = to.rank == 2 ? to : Shape([to[0], to[1], min(from[2], to[2]), min(from[2], to[2])])
            guard to[1] / Int(options["factor"]!) >= 1 else {
                return Shapes(
                    outputs: ["out": out, "target": out],
                    problem: .init(input: "factor", message: "factor exceeds the \(to[1]) channels of `to`"))
            }
            return Shapes(outputs: ["out": out, "target": out], problem: nil)
        },
        build: { inputs, options, _, ini in
            let (from, to) = (inputs["from"]!, inputs["to"]!)
            return SimKDProjector(
                from[1], to[1], factor: Int(options["factor"]!), sourceSide: from.rank == 4 ? from[2] : nil,
                targetSide: to.rank == 4 ? to[2] : 1, init: ini)
        })
}
