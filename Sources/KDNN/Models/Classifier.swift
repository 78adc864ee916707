import KDAutodiff
import KDTensor

/// A model that maps NCHW images to class logits and records named taps on the way.
open class Classifier: Module {
    /// The taps a forward pass records, besides `logits` (e.g. `layer3.preact`, `features`).
    open var tapNames: [String] { ["logits"] }

    /// The final linear layer and the tap recording the map it reads through global average
    /// pooling (a flat feature pools to itself); nil when no tap records that map. SimKD reuses a
    /// teacher's head on the student's projected map.
    open var head: (layer: Linear, inputTap: String)? { nil }

    /// The forward pass up to the head's input map (`head.inputTap`), recording the taps on the way.
    func headInput(_ x: Variable, _ ctx: ForwardContext) -> Variable {
        fatalError("\(type(of: self)) has no head to stop before")
    }

    /// Runs the model and returns the taps it recorded, `logits` included.
    public func run(_ x: Variable, _ ctx: ForwardContext) -> [String: Variable] {
        let logits = forward(x, ctx)
        ctx.tap("logits", logits)
        return ctx.taps
    }
}
