import Foundation

extension Tensor {
    /// Applies `f` to every element.
    @inlinable
    public func map(_ f: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { dst in
                let s = src.baseAddress, d = dst.baseAddress
                // Large tensors are split over the thread budget (elementwise: any split gives
                // the same result).
                ThreadBudget.parallelChunks(src.count, minChunk: elementwiseMinChunk) { range in
                    for i in range { d![i] = f(s![i]) }
                }
            }
        }
    }

    /// Combines two tensors of the same shape element by element.
    @inlinable
    public func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipMap of shapes \(shape) and \(other.shape)")
        return combined(with: other) { a, b, d, range in
            for i in range { d[i] = f(a[i], b[i]) }
        }
    }

    /// A tensor of this shape whose elements `chunk` writes from this tensor's and `other`'s
    /// (same count), a range of indices at a time, ranges split over the thread budget.
    @usableFromInline
    func combined(
        with other: Tensor,
        _ chunk: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Range<Int>) -> Void
    ) -> Tensor {
        withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: shape) { dst in
                    let pa = a.baseAddress, pb = b.baseAddress, d = dst.baseAddress
                    ThreadBudget.parallelChunks(a.count, minChunk: elementwiseMinChunk) { range in
                        chunk(pa!, pb!, d!, range)
                    }
                }
            }
        }
    }

    /// Combines two tensors with NumPy broadcasting.
    @inlinable
    public func broadcastMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        if shape == other.shape { return zipMap(other, f) }
        guard let out = Shape.broadcast(shape, other.shape) else {
            preconditionFailure("shapes \(shape) and \(other.shape) do not broadcast")
        }
        let sa = broadcastStrides(from: shape, to: out)
        let sb = broadcastStrides(from: other.shape, to: out)
        let dims = out.dims
        let rank = dims.count
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: out) { dst in
                    if rank == 0 {
                        dst[0] = f(a[0], b[0])
                        return
                    }
                    // Innermost axis as a strided loop; the outer axes walk an odometer.
                    let inner = dims[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1]
                    var index = [Int](repeating: 0, count: rank)
                    var offA = 0, offB = 0, o = 0
                    let rows = inner == 0 ? 0 : out.count / inner
                    for _ in 0..<rows {
                        var pa = offA, pb = offB
                        for _ in 0..<inner {
                            dst[o] = f(a[pa], b[pb])
                            pa += ia
                            pb += ib
                            o += 1
                        }
                        var axis = rank - 2
                        while axis >= 0 {
                            index[axis] += 1
                            offA += sa[axis]
                            offB += sb[axis]
                            if index[axis] < dims[axis] { break }
                            offA -= sa[axis] * dims[axis]
                            offB -= sb[axis] * dims[axis]
                            index[axis] = 0
                            axis -= 1
                        }
                    }
                }
            }
        }
    }

    /// Elementwise sum with broadcasting.
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        a.shape == b.shape ? a.sameShape(b, .add) : a.broadcastMap(b, +)
    }
    /// Elementwise difference with broadcasting.
    public static func - (a: Tensor, b: Tensor) -> Tensor {
        a.shape == b.shape ? a.sameShape(b, .subtract) : a.broadcastMap(b, -)
    }
    /// Elementwise product with broadcasting.
    public static func * (a: Tensor, b: Tensor) -> Tensor {
        a.shape == b.shape ? a.sameShape(b, .multiply) : a.broadcastMap(b, *)
    }
    /// Elementwise quotient with broadcasting.
    public static func / (a: Tensor, b: Tensor) -> Tensor {
        a.shape == b.shape ? a.sameShape(b, .divide) : a.broadcastMap(b, /)
    }

    /// The four arithmetic operators on two tensors of one shape.
    enum Arithmetic { case add, subtract, multiply, divide }

    /// `self op other` for tensors of one shape, one loop per operator: gradient sums and
    /// residual additions are hot, and through `zipMap` each element would cost a closure call
    /// (see `relu`). `combined` calls its closure once per range, which is fine.
    func sameShape(_ other: Tensor, _ op: Arithmetic) -> Tensor {
        combined(with: other) { a, b, d, range in
            switch op {
            case .add: for i in range { d[i] = a[i] + b[i] }
            case .subtract: for i in range { d[i] = a[i] - b[i] }
            case .multiply: for i in range { d[i] = a[i] * b[i] }
            case .divide: for i in range { d[i] = a[i] / b[i] }
            }
        }
    }
    /// Adds a scalar.
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    /// Multiplies by a scalar.
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    /// Multiplies by a scalar.
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { $0 * s } }
    /// Negation.
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// Elementwise maximum with broadcasting.
    public func maximum(_ other: Tensor) -> Tensor { broadcastMap(other) { Swift.max($0, $1) } }
    /// Elementwise minimum with broadcasting.
    public func minimum(_ other: Tensor) -> Tensor { broadcastMap(other) { Swift.min($0, $1) } }

    /// e^x.
    public func exp() -> Tensor { map { Foundation.exp($0) } }
    /// Natural logarithm.
    public func log() -> Tensor { map { Foundation.log($0) } }
    /// Square root.
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    /// Absolute value.
    public func abs() -> Tensor { map { Swift.abs($0) } }
    /// x².
    public func squared() -> Tensor { map { $0 * $0 } }
    /// max(x, 0) (0 for NaN).
    public func relu() -> Tensor {
        // The loop written here rather than through `map`: the optimiser does not inline a
        // per-element closure that reaches the loop through `parallelChunks`, and a call per
        // element cost ~4× the loop (resnet8 step: relu, its backward and same-shape sums went
        // from ~16 % of the time to ~6 %).
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { dst in
                let s = src.baseAddress, d = dst.baseAddress
                ThreadBudget.parallelChunks(src.count, minChunk: elementwiseMinChunk) { range in
                    for i in range { d![i] = s![i] > 0 ? s![i] : 0 }
                }
            }
        }
    }

    /// ReLU's backward pass: `self` (the gradient of relu(input)) where input > 0, else 0.
    public func reluBackward(input: Tensor) -> Tensor {
        precondition(shape == input.shape, "reluBackward: gradient \(shape), input \(input.shape)")
        return combined(with: input) { g, x, d, range in
            for i in range { d[i] = x[i] > 0 ? g[i] : 0 }
        }
    }
    /// x for x > 0, slope·x otherwise.
    public func leakyRelu(slope: Float) -> Tensor { map { $0 > 0 ? $0 : slope * $0 } }
    /// 1 / (1 + e^-x).
    public func sigmoid() -> Tensor { map { 1 / (1 + Foundation.exp(-$0)) } }
    /// Hyperbolic tangent.
    public func tanh() -> Tensor { map { Foundation.tanh($0) } }
    /// x^p.
    public func pow(_ p: Float) -> Tensor { map { Foundation.pow($0, p) } }
    /// Clamps each element into [low, high].
    public func clamped(_ low: Float, _ high: Float) -> Tensor { map { Swift.min(Swift.max($0, low), high) } }

    /// Whether every element is finite (no NaN or infinity).
    public var isFinite: Bool { withUnsafeBufferPointer { b in b.allSatisfy { $0.isFinite } } }
}

/// Elementwise loops split over threads only in chunks of at least this many elements.
@usableFromInline
let elementwiseMinChunk = 1 << 16

/// Strides of `from` laid over `to`, 0 on broadcast axes.
@usableFromInline
func broadcastStrides(from: Shape, to: Shape) -> [Int] {
    let own = from.strides
    let offset = to.rank - from.rank
    return (0..<to.rank).map { i in
        let j = i - offset
        if j < 0 || from.dims[j] == 1 { return 0 }
        return own[j]
    }
}
