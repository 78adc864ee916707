import KDAutodiff
import KDTensor

/// A model that maps NCHW images to class logits and records named taps on the way.
open class Classifier: Module {
    /// The taps a forward pass records, besides `logits` (e.g. `layer3.preact`, `features`).
    open var tapNames: [String] { ["logits"] }

    /// Runs the model and returns the taps it recorded, `logits` included.
    public func run(_ x: Variable, _ ctx: ForwardContext) -> [String: Variable] {
        let logits = forward(x, ctx)
        ctx.tap("logits", logits)
        return ctx.taps
    }
}
