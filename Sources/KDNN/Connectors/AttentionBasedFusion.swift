import KDAutodiff
import KDTensor

/// ReviewKD's attention-based fusion (Chen et al. 2021; mdistiller `ABF`), one level of the
/// top-down review: a 1×1 conv + BN from the student's map to `mid` channels; below the top level,
/// the upper level's `residual` resized (nearest) to this map's size and mixed in with two
/// per-pixel weights from a 1×1 conv + sigmoid on both; the result, resized to the teacher's size,
/// is `residual` for the level below and goes through a 3×3 conv + BN to the teacher's channels
/// (`out`). Flat features pass as N×C×1×1 maps. Parameter names follow mdistiller's ABF.
final class AttentionBasedFusion: FeatureConnector {
    let reduce: Conv2d, reduceNorm: BatchNorm
    let expand: Conv2d, expandNorm: BatchNorm
    let attention: Conv2d?
    let outputHeight: Int, outputWidth: Int, flatOutput: Bool

    init(
        _ inChannels: Int, mid: Int, _ outChannels: Int, fuses: Bool, output: Shape, init ini: ParameterInitializer
    ) {
        reduce = Conv2d(inChannels, mid, kernel: 1, bias: false, init: ini)
        reduceNorm = BatchNorm(mid)
        expand = Conv2d(mid, outChannels, kernel: 3, padding: 1, bias: false, init: ini)
        expandNorm = BatchNorm(outChannels)
        attention = fuses ? Conv2d(2 * mid, 2, kernel: 1, init: ini) : nil
        // mdistiller draws both convs' weights with kaiming_uniform(a=1): U(±√(3/fan_in)), √3 times
        // PyTorch's default bound.
        for conv in [reduce, expand] { conv.weight.value = conv.weight.value * Float(3).squareRoot() }
        flatOutput = output.rank == 2
        (outputHeight, outputWidth) = flatOutput ? (1, 1) : (output[2], output[3])
    }

    public override var children: [(String, Module)] {
        [("conv1.0", reduce), ("conv1.1", reduceNorm), ("conv2.0", expand), ("conv2.1", expandNorm)]
            + (attention.map { [("att_conv.0", $0)] } ?? [])
    }

    public override func outputs(_ inputs: [String: Variable], _ ctx: ForwardContext) -> [String: Variable] {
        var x = reduceNorm(reduce(Self.maps(inputs["from"]!), ctx), ctx)
        if let attention, let residual = inputs["residual"] {
            let y = residual.nearestResized(height: x.shape[2], width: x.shape[3])
            let weights = attention(Variable.concatenated(channels: [x, y]), ctx).sigmoid()
            x = x * weights.channels(0..<1) + y * weights.channels(1..<2)
        }
        x = x.nearestResized(height: outputHeight, width: outputWidth)
        let out = expandNorm(expand(x, ctx), ctx)
        return ["out": flatOutput ? out.reshaped([out.shape[0], -1]) : out, "residual": x]
    }
}

extension ConnectorKind {
    static let abf = ConnectorKind(
        name: "abf",
        doc:
            "ReviewKD's attention-based fusion: the student's map, fused with the upper level's residual, to the teacher's",
        inputs: [
            .to,
            ConnectorInput(
                name: "residual", required: false,
                doc: "the upper level's ABF residual (e.g. abf3.residual); absent at the top level"),
        ],
        options: [
            ConnectorOption(
                name: "mid_channels", defaultValue: 64, minimum: 1, maximum: 4096, integer: true,
                doc: "channels the levels fuse in (mdistiller: min(512, the last stage's), 64 for CIFAR ResNets)")
        ],
        outputs: ["out", "residual"],
        shapes: { inputs, options, _ in
            let (from, to, mid) = (inputs["from"]!, inputs["to"]!, Int(options["mid_channels"]!))
            var outputs = ["out": to]
            if to.rank == 2 || to.rank == 4 {
                outputs["residual"] = Shape([to[0], mid] + (to.rank == 4 ? [to[2], to[3]] : [1, 1]))
            }
            let problem: ShapeProblem?
            if from.rank != 2 && from.rank != 4 {
                problem = .init(input: "from", message: "it needs NCHW maps or [N, C] features")
            } else if to.rank != 2 && to.rank != 4 {
                problem = .init(input: "to", message: "it needs NCHW maps or [N, C] features")
            } else if let residual = inputs["residual"], residual.rank != 4 || residual[1] != mid {
                problem = .init(
                    input: "residual", message: "it needs an upper ABF's residual, NCHW maps of \(mid) channels")
            } else {
                problem = nil
            }
            return Shapes(outputs: outputs, problem: problem)
        },
        build: { inputs, options, _, ini in
            AttentionBasedFusion(
                inputs["from"]![1], mid: Int(options["mid_channels"]!), inputs["to"]![1],
                fuses: inputs["residual"] != nil, output: inputs["to"]!, init: ini)
        })
}
