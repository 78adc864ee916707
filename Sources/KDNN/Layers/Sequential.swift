import KDAutodiff

/// Children applied in order, named "0", "1", … as in PyTorch's nn.Sequential.
public final class Sequential: Module {
    /// The layers in order.
    public let layers: [Module]
    public init(_ layers: [Module]) { self.layers = layers }
    public override var children: [(String, Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        layers.reduce(x) { $1($0, ctx) }
    }
}
