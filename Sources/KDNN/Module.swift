import KDAutodiff
import KDTensor

/// A layer or model: named parameters, buffers and child modules (PyTorch state-dict naming)
/// and a forward pass over autodiff variables.
///
/// Modules hold no mode: train/eval, the tape and the taps live in the `ForwardContext` of each
/// call, so a model can be evaluated while another thread trains a copy of its weights.
open class Module {
    public init() {}

    /// Parameters owned directly by this module, by local name.
    open var ownParameters: [(String, Parameter)] { [] }
    /// Buffers owned directly by this module, by local name.
    open var ownBuffers: [(String, Buffer)] { [] }
    /// Child modules, by local name, in registration order.
    open var children: [(String, Module)] { [] }

    /// The forward pass.
    open func forward(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        fatalError("\(type(of: self)) does not implement forward")
    }

    /// Calls `forward` under this module's name in the context's tap path.
    public func callAsFunction(_ x: Variable, _ ctx: ForwardContext) -> Variable { forward(x, ctx) }

    /// Every parameter in the tree, with dotted names (`layer1.0.conv1.weight`).
    public func namedParameters(prefix: String = "") -> [(String, Parameter)] {
        ownParameters.map { (prefix + $0.0, $0.1) }
            + children.flatMap { $0.1.namedParameters(prefix: prefix + $0.0 + ".") }
    }

    /// Every buffer in the tree, with dotted names (`bn1.running_mean`).
    func namedBuffers(prefix: String = "") -> [(String, Buffer)] {
        ownBuffers.map { (prefix + $0.0, $0.1) }
            + children.flatMap { $0.1.namedBuffers(prefix: prefix + $0.0 + ".") }
    }

    /// Every module in the tree with its dotted path ("" for this one).
    public func namedModules(prefix: String = "") -> [(String, Module)] {
        [(prefix, self)] + children.flatMap { $0.1.namedModules(prefix: prefix.isEmpty ? $0.0 : prefix + "." + $0.0) }
    }

    /// Number of trainable scalars.
    var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.value.count } }

    /// Freezes or unfreezes every parameter.
    public func setRequiresGrad(_ flag: Bool) {
        for (_, p) in namedParameters() { p.requiresGrad = flag }
    }
}
