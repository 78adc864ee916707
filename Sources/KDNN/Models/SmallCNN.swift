import KDAutodiff

/// PyTorch's MNIST-example CNN: conv 32 3×3, ReLU, conv 64 3×3, ReLU, max-pool 2, fc1 128, ReLU,
/// fc2; `width` scales the 32, 64 and 128 (a narrow student: 0.25 gives 8, 16, 32). Taps `conv1`, `conv2` (post-ReLU), `conv1.preact`, `conv2.preact` (before it),
/// `features.preact`, `features` (fc1), `logits`.
public final class SmallCNN: Classifier {
    public let conv1: Conv2d, conv2: Conv2d, fc1: Linear, fc2: Linear

    /// For square `imageSize` inputs with `inChannels` channels.
    public init(inChannels: Int, classes: Int, imageSize: Int = 28, width: Double = 1, init ini: ParameterInitializer) {
        let (c1, c2, f) = (Self.scaled(32, width), Self.scaled(64, width), Self.scaled(128, width))
        conv1 = Conv2d(inChannels, c1, kernel: 3, init: ini)
        conv2 = Conv2d(c1, c2, kernel: 3, init: ini)
        let side = (imageSize - 4) / 2
        fc1 = Linear(c2 * side * side, f, init: ini)
        fc2 = Linear(f, classes, init: ini)
    }

    /// A layer width times `width`, rounded, at least 1.
    static func scaled(_ channels: Int, _ width: Double) -> Int { max(1, Int((Double(channels) * width).rounded())) }

    public override var children: [(String, Module)] {
        [("conv1", conv1), ("conv2", conv2), ("fc1", fc1), ("fc2", fc2)]
    }
    public override var tapNames: [String] {
        ["conv1.preact", "conv1", "conv2.preact", "conv2", "features.preact", "features", "logits"]
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        let p1 = conv1(x, ctx)
        ctx.tap("conv1.preact", p1)
        let c1 = p1.relu()
        ctx.tap("conv1", c1)
        let p2 = conv2(c1, ctx)
        ctx.tap("conv2.preact", p2)
        let c2 = p2.relu()
        ctx.tap("conv2", c2)
        let pre = fc1(c2.maxPool2d(geometry: .init(kernel: 2, stride: 2)).flattened(), ctx)
        ctx.tap("features.preact", pre)
        let features = pre.relu()
        ctx.tap("features", features)
        return fc2(features, ctx)
    }
}
