import KDTensor

extension Variable {
    /// The inputs joined along axis 1 (channels); all other axes must agree. Each input's gradient
    /// is its block of the output's.
    public static func concatenated(channels parts: [Variable]) -> Variable {
        let widths = parts.map { $0.shape[1] }
        var dims = parts[0].shape.dims
        dims[1] = widths.reduce(0, +)
        let out = ChannelBlocks(shape: Shape(dims)).joined(parts.map(\.value))
        return Tape.record(out, parts) { g, needs in
            var offset = 0
            return widths.enumerated().map { i, width in
                defer { offset += width }
                return needs[i] ? ChannelBlocks(shape: g.shape).slice(g, offset..<offset + width) : nil
            }
        }
    }

    /// Channels `range` (axis 1); the gradient is zero outside them.
    public func channels(_ range: Range<Int>) -> Variable {
        let blocks = ChannelBlocks(shape: shape)
        let total = shape[1]
        return Tape.record(blocks.slice(value, range), [self]) { g, _ in
            let zeros = { (width: Int) -> Tensor in
                var dims = g.shape.dims
                dims[1] = width
                return Tensor.zeros(Shape(dims))
            }
            return [blocks.joined([zeros(range.lowerBound), g, zeros(total - range.upperBound)])]
        }
    }
}

/// A tensor of rank ≥ 2 seen as `outer` rows of channel blocks, each channel `inner` elements
/// (the product of the axes after 1).
private struct ChannelBlocks {
    let shape: Shape
    var outer: Int { shape[0] }
    var inner: Int { shape.dims.dropFirst(2).reduce(1, *) }

    /// `parts` (of this shape but their own channel counts) side by side along axis 1.
    func joined(_ parts: [Tensor]) -> Tensor {
        let (outer, inner, total) = (outer, inner, shape[1])
        return Tensor(shape: shape) { o in
            var offset = 0
            for part in parts {
                let width = part.shape[1]
                part.withUnsafeBufferPointer { x in
                    for r in 0..<outer {
                        for k in 0..<width * inner { o[(r * total + offset) * inner + k] = x[r * width * inner + k] }
                    }
                }
                offset += width
            }
        }
    }

    /// Channels `range` of `x` (of this shape).
    func slice(_ x: Tensor, _ range: Range<Int>) -> Tensor {
        let (outer, inner, total, width) = (outer, inner, shape[1], range.count)
        var dims = shape.dims
        dims[1] = width
        return Tensor(shape: Shape(dims)) { o in
            x.withUnsafeBufferPointer { x in
                for r in 0..<outer {
                    for k in 0..<width * inner {
                        o[r * width * inner + k] = x[(r * total + range.lowerBound) * inner + k]
                    }
                }
            }
        }
    }
}
