extension Tensor {
    /// Splits the shape around `axis` into (outer, axis size, inner) element counts.
    func split(at axis: Int) -> (outer: Int, n: Int, inner: Int) {
        let a = shape.normalize(axis: axis)
        let outer = shape.dims[..<a].reduce(1, *)
        let inner = shape.dims[(a + 1)...].reduce(1, *)
        return (outer, shape.dims[a], inner)
    }

    /// Sum of all elements, accumulated in Double for accuracy.
    public func sum() -> Tensor {
        Tensor(scalar: withUnsafeBufferPointer { b in Float(b.reduce(0.0) { $0 + Double($1) }) })
    }

    /// Mean of all elements.
    public func mean() -> Tensor { Tensor(scalar: sum().scalar / Float(Swift.max(count, 1))) }

    /// Sum over `axes` (negative axes count from the end); reduced axes are kept as size 1 when
    /// `keepDims`.
    public func sum(axes: [Int], keepDims: Bool = false) -> Tensor {
        let normalized = Set(axes.map { shape.normalize(axis: $0) })
        var result = self
        for axis in normalized.sorted() { result = result.sumKeepingAxis(axis) }
        if keepDims { return result }
        return result.reshaped(shape.dims.enumerated().filter { !normalized.contains($0.offset) }.map(\.element))
    }

    /// Mean over `axes`.
    public func mean(axes: [Int], keepDims: Bool = false) -> Tensor {
        let n = Set(axes.map { shape.normalize(axis: $0) }).reduce(1) { $0 * shape.dims[$1] }
        return sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(n, 1)))
    }

    private func sumKeepingAxis(_ axis: Int) -> Tensor {
        let (outer, n, inner) = split(at: axis)
        var dims = shape.dims
        dims[axis] = 1
        return withUnsafeBufferPointer { src in
            Tensor(shape: Shape(dims)) { dst in
                for o in 0..<outer {
                    let d = dst.baseAddress! + o * inner
                    for i in 0..<inner { d[i] = 0 }
                    for j in 0..<n {
                        let s = src.baseAddress! + (o * n + j) * inner
                        for i in 0..<inner { d[i] += s[i] }
                    }
                }
            }
        }
    }

    /// Sums a broadcast result back down to `target` (the gradient rule of broadcasting).
    public func sumToShape(_ target: Shape) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.rank
        precondition(lead >= 0, "cannot sum \(shape) down to \(target)")
        var axes = Array(0..<lead)
        for (i, d) in target.dims.enumerated() where d == 1 && shape.dims[lead + i] != 1 { axes.append(lead + i) }
        return sum(axes: axes, keepDims: true).reshaped(target.dims)
    }

    /// Maximum along `axis` and the index where it occurs (first on ties).
    public func max(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: [Int]) {
        let a = shape.normalize(axis: axis)
        let (outer, n, inner) = split(at: a)
        precondition(n > 0, "max over an empty axis of \(shape)")
        var dims = shape.dims
        if keepDims { dims[a] = 1 } else { dims.remove(at: a) }
        var indices = [Int](repeating: 0, count: outer * inner)
        let values = withUnsafeBufferPointer { src in
            Tensor(shape: Shape(dims)) { dst in
                for o in 0..<outer {
                    for i in 0..<inner {
                        var best = src[o * n * inner + i], bestJ = 0
                        for j in 1..<n {
                            let v = src[(o * n + j) * inner + i]
                            if v > best || (v.isNaN && !best.isNaN) {
                                best = v
                                bestJ = j
                            }
                        }
                        dst[o * inner + i] = best
                        indices[o * inner + i] = bestJ
                    }
                }
            }
        }
        return (values, indices)
    }

    /// Index of the maximum along the last axis, per row.
    public func argmaxLastAxis() -> [Int] { max(axis: -1).indices }
}
