/// An immutable-by-value Float32 tensor: a shape over contiguous row-major copy-on-write storage.
///
/// Reshapes share storage; every other op produces a new tensor. Kernels read and write the
/// storage through unsafe buffers.
public struct Tensor: Sendable, Equatable {
    /// The tensor's dimensions.
    public private(set) var shape: Shape
    /// The elements in row-major order.
    public private(set) var scalars: [Float]

    /// A tensor of `shape` holding `scalars` (row-major); the counts must agree.
    public init(shape: Shape, scalars: [Float]) {
        precondition(
            shape.count == scalars.count,
            "tensor of shape \(shape) needs \(shape.count) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every element `value`.
    public init(repeating value: Float, shape: Shape) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.count))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: Shape) -> Tensor { Tensor(repeating: 0, shape: shape) }
    /// A tensor of ones.
    public static func ones(_ shape: Shape) -> Tensor { Tensor(repeating: 1, shape: shape) }
    /// A rank-0 tensor.
    public init(scalar: Float) { self.init(shape: Shape([]), scalars: [scalar]) }

    /// A tensor whose storage is written once by `fill`, which receives an uninitialised buffer
    /// of `shape.count` elements and must initialise all of them.
    public init(shape: Shape, unsafeUninitialized fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let n = shape.count
        _ = MallocTuning.applied
        self.shape = shape
        self.scalars = [Float](unsafeUninitializedCapacity: n) { buf, initialized in
            fill(buf)
            initialized = n
        }
    }

    /// Number of elements.
    public var count: Int { scalars.count }
    /// Number of axes.
    public var rank: Int { shape.rank }
    /// The single value of a one-element tensor.
    public var scalar: Float {
        precondition(count == 1, "scalar of a tensor of shape \(shape)")
        return scalars[0]
    }

    /// The same elements viewed with another shape of equal count; one axis may be -1.
    public func reshaped(_ dims: [Int]) -> Tensor {
        var dims = dims
        if let hole = dims.firstIndex(of: -1) {
            let known = dims.enumerated().filter { $0.offset != hole }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(dims)")
            dims[hole] = count / known
        }
        let newShape = Shape(dims)
        precondition(newShape.count == count, "cannot reshape \(shape) to \(newShape)")
        var t = self
        t.shape = newShape
        return t
    }

    /// Read access to the elements.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Write access to the elements (copies first if the storage is shared).
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// The element at a multi-index.
    public subscript(index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) for shape \(shape)")
        var offset = 0
        for (i, s) in zip(index, shape.strides) { offset += i * s }
        return scalars[offset]
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let head = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor\(shape)(\(head)\(count > 8 ? ", …" : ""))"
    }
}
