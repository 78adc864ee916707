import KDTensor

extension Variable {
    /// Sum of all elements (a scalar).
    public func sum() -> Variable {
        let shape = self.shape
        return Tape.record(value.sum(), [self]) { g, _ in [Tensor(repeating: g.scalar, shape: shape)] }
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Variable {
        let shape = self.shape
        let scale = 1 / Float(Swift.max(shape.count, 1))
        return Tape.record(value.mean(), [self]) { g, _ in [Tensor(repeating: g.scalar * scale, shape: shape)] }
    }

    /// Sum over `axes`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Variable {
        let shape = self.shape
        let kept = keptShape(shape, axes)
        return Tape.record(value.sum(axes: axes, keepDims: keepDims), [self]) { g, _ in
            [g.reshaped(kept.dims) + Tensor.zeros(shape)]
        }
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Variable {
        let n = Set(axes.map { shape.normalize(axis: $0) }).reduce(1) { $0 * shape.dims[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    /// Maximum along `axis`; the gradient goes to the (first) maximal element.
    public func max(axis: Int, keepDims: Bool = false) -> Variable {
        let shape = self.shape
        let a = shape.normalize(axis: axis)
        let (values, indices) = value.max(axis: a, keepDims: keepDims)
        return Tape.record(values, [self]) { g, _ in
            let outer = shape.dims[..<a].reduce(1, *), n = shape.dims[a], inner = shape.dims[(a + 1)...].reduce(1, *)
            return [
                g.withUnsafeBufferPointer { gb in
                    Tensor(shape: shape) { dx in
                        dx.update(repeating: 0)
                        for o in 0..<outer {
                            for i in 0..<inner { dx[(o * n + indices[o * inner + i]) * inner + i] = gb[o * inner + i] }
                        }
                    }
                }
            ]
        }
    }
}

/// `shape` with the reduced `axes` set to 1.
func keptShape(_ shape: Shape, _ axes: [Int]) -> Shape {
    var dims = shape.dims
    for a in axes { dims[shape.normalize(axis: a)] = 1 }
    return Shape(dims)
}
