import KDTensor

extension Variable {
    /// The same elements with another shape (one axis may be -1).
    public func reshaped(_ dims: [Int]) -> Variable {
        let shape = self.shape
        return Tape.record(value.reshaped(dims), [self]) { g, _ in [g.reshaped(shape.dims)] }
    }

    /// [N, …] → [N, rest].
    public func flattened() -> Variable { reshaped([shape.dims.first ?? 1, -1]) }

    /// The axes reordered by `permutation`.
    public func permuted(_ permutation: [Int]) -> Variable {
        var inverse = [Int](repeating: 0, count: permutation.count)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        return Tape.record(value.permuted(permutation), [self]) { g, _ in [g.permuted(inverse)] }
    }

    /// The transpose of a rank-2 variable.
    public var transposed: Variable { permuted([1, 0]) }
}
