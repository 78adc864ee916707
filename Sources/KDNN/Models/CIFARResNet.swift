import KDAutodiff

/// CIFAR-style ResNet (He et al.; RepDistiller's `resnet8` … `resnet110`, `resnet8x4`,
/// `resnet32x4`): a 3×3 stem, three stages of residual blocks, global average pooling, `fc`.
/// Taps: `stem`, `layer1`…`layer3` and their `.preact` (before the last block's ReLU),
/// `features`, `logits`.
public final class CIFARResNet: Classifier {
    public let conv1: Conv2d, bn1: BatchNorm
    public let stages: [[any ResidualBlock]]
    public let fc: Linear

    /// `widths` = [stem, stage1, stage2, stage3]; `depth` = 6n+2 (basic) or 9n+2 (bottleneck).
    public init(
        depth: Int, widths: [Int], bottleneck: Bool = false, inChannels: Int, classes: Int,
        init ini: ParameterInitializer
    ) {
        precondition(widths.count == 4, "CIFARResNet needs 4 widths, got \(widths)")
        let blocks = bottleneck ? (depth - 2) / 9 : (depth - 2) / 6
        precondition(blocks >= 1, "CIFARResNet depth \(depth) too small")
        conv1 = Conv2d(inChannels, widths[0], kernel: 3, padding: 1, bias: false, init: ini)
        bn1 = BatchNorm(widths[0])
        var inPlanes = widths[0]
        var stages: [[any ResidualBlock]] = []
        for (s, planes) in widths[1...].enumerated() {
            var stage: [any ResidualBlock] = []
            for b in 0..<blocks {
                let stride = b == 0 && s > 0 ? 2 : 1
                if bottleneck {
                    stage.append(Bottleneck(inPlanes, planes, stride: stride, init: ini))
                    inPlanes = planes * Bottleneck.expansion
                } else {
                    stage.append(BasicBlock(inPlanes, planes, stride: stride, init: ini))
                    inPlanes = planes
                }
            }
            stages.append(stage)
        }
        self.stages = stages
        fc = Linear(inPlanes, classes, init: ini)
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("bn1", bn1)]
            + stages.enumerated().map { ("layer\($0.offset + 1)", Sequential($0.element) as Module) }
            + [("fc", fc)]
    }

    public override var tapNames: [String] {
        ["stem"] + stages.indices.flatMap { ["layer\($0 + 1)", "layer\($0 + 1).preact"] } + ["features", "logits"]
    }

    public override var head: (layer: Linear, inputTap: String)? { (fc, "layer\(stages.count)") }

    override func headInput(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        var h = bn1.forwardReLU(conv1(x, ctx), ctx)
        ctx.tap("stem", h)
        for (s, stage) in stages.enumerated() {
            for block in stage {
                let (out, preact) = block.forwardWithPreactivation(h, ctx)
                h = out
                ctx.tap("layer\(s + 1).preact", preact)
            }
            ctx.tap("layer\(s + 1)", h)
        }
        return h
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        let features = headInput(x, ctx).globalAvgPool()
        ctx.tap("features", features)
        return fc(features, ctx)
    }
}
