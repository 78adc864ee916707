import KDAutodiff
import KDTensor

/// y = x·Wᵀ + b with W of shape [out, in] (PyTorch's layout).
public final class Linear: Module {
    /// Weight [out, in].
    public let weight: Parameter
    /// Bias [out], if any.
    public let bias: Parameter?

    /// A layer with PyTorch's default initialisation.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, init ini: ParameterInitializer) {
        weight = Parameter(ini.pytorchDefault([outFeatures, inFeatures], fanIn: inFeatures))
        self.bias = bias ? Parameter(ini.pytorchDefault([outFeatures], fanIn: inFeatures)) : nil
    }

    public override var ownParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    public override func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        precondition(
            x.shape.rank == 2 && x.shape[1] == weight.value.shape[1],
            "Linear expects [N, \(weight.value.shape[1])], got \(x.shape)")
        let y = x.matmul(ctx.variable(weight), transposeOther: true)
        return bias.map { y + ctx.variable($0) } ?? y
    }
}
