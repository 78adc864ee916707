import KDAutodiff

/// One pre-activation wide-ResNet block (RepDistiller's wrn BasicBlock: bn1, conv1, bn2, conv2,
/// convShortcut when the width or stride changes).
public final class WideBasicBlock: Module {
    public let bn1: BatchNorm, conv1: Conv2d, bn2: BatchNorm, conv2: Conv2d
    public let convShortcut: Conv2d?
    let dropout: Dropout?

    public init(_ inPlanes: Int, _ outPlanes: Int, stride: Int, dropRate: Float, init ini: ParameterInitializer) {
        bn1 = BatchNorm(inPlanes)
        conv1 = Conv2d(inPlanes, outPlanes, kernel: 3, stride: stride, padding: 1, bias: false, init: ini)
        bn2 = BatchNorm(outPlanes)
        conv2 = Conv2d(outPlanes, outPlanes, kernel: 3, padding: 1, bias: false, init: ini)
        convShortcut =
            inPlanes == outPlanes ? nil : Conv2d(inPlanes, outPlanes, kernel: 1, stride: stride, bias: false, init: ini)
        dropout = dropRate > 0 ? Dropout(dropRate) : nil
    }

    public override var children: [(String, Module)] {
        [("bn1", bn1), ("conv1", conv1), ("bn2", bn2), ("conv2", conv2)]
            + (convShortcut.map { [("convShortcut", $0)] } ?? [])
    }

    /// The block's output and its input after bn1, before the ReLU (the previous stage's preact).
    func forwardWithInputPreactivation(_ x: Variable, _ ctx: ForwardContext) -> (
        output: Variable, inputPreact: Variable
    ) {
        let pre = bn1(x, ctx)
        let activated = pre.relu()
        var out = bn2.forwardReLU(conv1(activated, ctx), ctx)
        if let dropout { out = dropout(out, ctx) }
        out = conv2(out, ctx)
        // As in the reference: a changing block projects the activated input, an identity block adds x.
        let shortcut = convShortcut.map { $0(activated, ctx) } ?? x
        return (out + shortcut, pre)
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        forwardWithInputPreactivation(x, ctx).output
    }
}

/// Wide ResNet WRN-depth-k (Zagoruyko & Komodakis; RepDistiller's `wrn_40_2` etc.).
/// Taps: `stem`, `block1`…`block3`, their `.preact` (the next BN's output before its ReLU, as
/// RepDistiller's preact features), `features`, `logits`.
public final class WideResNet: Classifier {
    public let conv1: Conv2d
    public let blocks: [[WideBasicBlock]]
    public let bn1: BatchNorm
    public let fc: Linear

    /// depth = 6n + 4.
    public init(
        depth: Int, widen: Int, dropRate: Float = 0, inChannels: Int, classes: Int, init ini: ParameterInitializer
    ) {
        precondition((depth - 4) % 6 == 0 && depth >= 10, "wide ResNet depth must be 6n+4, got \(depth)")
        let n = (depth - 4) / 6
        let widths = [16, 16 * widen, 32 * widen, 64 * widen]
        conv1 = Conv2d(inChannels, widths[0], kernel: 3, padding: 1, bias: false, init: ini)
        blocks = (0..<3).map { s in
            (0..<n).map { i in
                WideBasicBlock(
                    i == 0 ? widths[s] : widths[s + 1], widths[s + 1], stride: i == 0 && s > 0 ? 2 : 1,
                    dropRate: dropRate, init: ini)
            }
        }
        bn1 = BatchNorm(widths[3])
        fc = Linear(widths[3], classes, init: ini)
    }

    public override var children: [(String, Module)] {
        [("conv1", conv1)]
            + blocks.enumerated().map { ("block\($0.offset + 1)", NamedBlock(layer: Sequential($0.element)) as Module) }
            + [("bn1", bn1), ("fc", fc)]
    }

    public override var tapNames: [String] {
        ["stem"] + (1...3).flatMap { ["block\($0)", "block\($0).preact"] } + ["features", "logits"]
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        var h = conv1(x, ctx)
        ctx.tap("stem", h)
        for (s, stage) in blocks.enumerated() {
            for (i, block) in stage.enumerated() {
                let (out, inputPreact) = block.forwardWithInputPreactivation(h, ctx)
                if i == 0 && s > 0 { ctx.tap("block\(s).preact", inputPreact) }
                h = out
            }
            ctx.tap("block\(s + 1)", h)
        }
        let pre = bn1(h, ctx)
        ctx.tap("block3.preact", pre)
        let features = pre.relu().globalAvgPool()
        ctx.tap("features", features)
        return fc(features, ctx)
    }
}

/// RepDistiller's NetworkBlock wrapper, so state-dict names read `block1.layer.0.bn1.weight`.
final class NamedBlock: Module {
    let layer: Sequential
    init(layer: Sequential) { self.layer = layer }
    override var children: [(String, Module)] { [("layer", layer)] }
}
