import KDTensor

extension Variable {
    /// Nearest-neighbour resize of [N, C, H, W] to [N, C, height, width] as PyTorch's
    /// F.interpolate(mode="nearest"): output row i reads input row ⌊i · (H / height)⌋, the scale
    /// taken in Float as PyTorch does; the gradient sums over the outputs that read each input.
    public func nearestResized(height: Int, width: Int) -> Variable {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        if h == height && w == width { return self }
        let rows = Self.nearestSources(count: height, from: h), cols = Self.nearestSources(count: width, from: w)
        let planes = n * c
        let out = Tensor(shape: [n, c, height, width]) { o in
            value.withUnsafeBufferPointer { x in
                for p in 0..<planes {
                    for (i, r) in rows.enumerated() {
                        for (j, s) in cols.enumerated() { o[(p * height + i) * width + j] = x[(p * h + r) * w + s] }
                    }
                }
            }
        }
        let inputShape = shape
        return Tape.record(out, [self]) { g, _ in
            var dx = Tensor.zeros(inputShape)
            dx.withUnsafeMutableBufferPointer { d in
                g.withUnsafeBufferPointer { gy in
                    for p in 0..<planes {
                        for (i, r) in rows.enumerated() {
                            for (j, s) in cols.enumerated() {
                                d[(p * h + r) * w + s] += gy[(p * height + i) * width + j]
                            }
                        }
                    }
                }
            }
            return [dx]
        }
    }

    /// The input index each of `count` outputs reads from `size` inputs (PyTorch's nearest_idx).
    private static func nearestSources(count: Int, from size: Int) -> [Int] {
        let scale = Float(size) / Float(count)
        return (0..<count).map { Swift.min(Int((Float($0) * scale).rounded(.down)), size - 1) }
    }
}
