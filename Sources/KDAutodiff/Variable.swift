import KDTensor

/// A tensor value in a computation: a constant, or a node on a `Tape` that gradients reach.
public struct Variable {
    /// The value.
    public let value: Tensor
    let id: Int
    // Weak: backward closures capture variables, and a strong reference would make every tape
    // a retain cycle (tape → node → closure → variable → tape).
    weak var tape: Tape?

    init(value: Tensor, id: Int, tape: Tape) {
        self.value = value
        self.id = id
        self.tape = tape
    }

    /// A constant: no gradient flows into it.
    public init(constant value: Tensor) {
        self.value = value
        self.id = -1
        self.tape = nil
    }

    /// The value's shape.
    public var shape: Shape { value.shape }

    /// Whether gradients can flow through this variable.
    var isRecorded: Bool { tape != nil }
}
