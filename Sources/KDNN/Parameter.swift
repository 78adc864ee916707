import KDTensor

/// A trainable tensor owned by a module; optimisers replace its value in place.
public final class Parameter {
    /// Current value.
    public var value: Tensor
    /// Whether gradients flow into it (false for frozen models and frozen layers).
    public var requiresGrad: Bool

    /// A parameter with an initial value.
    public init(_ value: Tensor, requiresGrad: Bool = true) {
        self.value = value
        self.requiresGrad = requiresGrad
    }
}

/// A non-trainable tensor carried in the state dict (BatchNorm running statistics).
public final class Buffer {
    /// Current value.
    public var value: Tensor
    /// Stored as I64 in checkpoints (PyTorch's num_batches_tracked).
    public let isInteger: Bool

    /// A buffer with an initial value.
    public init(_ value: Tensor, isInteger: Bool = false) {
        self.value = value
        self.isInteger = isInteger
    }
}
