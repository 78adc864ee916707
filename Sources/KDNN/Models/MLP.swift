import KDAutodiff

/// A multilayer perceptron over flattened inputs: Linear+ReLU per hidden size, then `fc`.
/// Layers are `fc1` … `fcN`, `fc`; taps `hidden1` … (post-ReLU), `hiddenN.preact`, `features`.
public final class MLP: Classifier {
    public let hidden: [Linear]
    public let fc: Linear

    public init(inputs: Int, hidden sizes: [Int], classes: Int, init ini: ParameterInitializer) {
        var width = inputs
        hidden = sizes.map { size in
            defer { width = size }
            return Linear(width, size, init: ini)
        }
        fc = Linear(width, classes, init: ini)
    }

    public override var children: [(String, Module)] {
        hidden.enumerated().map { ("fc\($0.offset + 1)", $0.element) } + [("fc", fc)]
    }

    public override var tapNames: [String] {
        hidden.indices.flatMap { ["hidden\($0 + 1)", "hidden\($0 + 1).preact"] } + ["features", "logits"]
    }

    public override var head: (layer: Linear, inputTap: String)? { (fc, "features") }

    override func headInput(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        var h = x.flattened()
        for (i, layer) in hidden.enumerated() {
            let pre = layer(h, ctx)
            ctx.tap("hidden\(i + 1).preact", pre)
            h = pre.relu()
            ctx.tap("hidden\(i + 1)", h)
        }
        ctx.tap("features", h)
        return h
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable { fc(headInput(x, ctx), ctx) }
}
