import KDAutodiff
import KDTensor

/// A trainable module between features (a connector stage): maps its named inputs — `from`, and
/// the reference fields its kind declares (`to`, …) — to named outputs, `out` first.
open class FeatureConnector: Module {
    /// The outputs for one batch, by name.
    open func outputs(_ inputs: [String: Variable], _ ctx: ForwardContext) -> [String: Variable] {
        ["out": forward(inputs["from"]!, ctx)]
    }

    /// `x` as NCHW maps: flat features [N, C] become N×C×1×1, so 1×1 and padded 3×3 convolutions
    /// act on them as linear maps.
    static func maps(_ x: Variable) -> Variable {
        x.shape.rank == 2 ? x.reshaped([x.shape[0], x.shape[1], 1, 1]) : x
    }

    /// `y` back in the rank of `like` (undoes `maps`).
    static func restored(_ y: Variable, like x: Variable) -> Variable {
        x.shape.rank == 2 ? y.reshaped([y.shape[0], -1]) : y
    }
}
