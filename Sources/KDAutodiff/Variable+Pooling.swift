import KDTensor

extension Variable {
    /// Max pooling over an NCHW input.
    public func maxPool2d(geometry: Conv2dGeometry) -> Variable {
        let shape = self.shape
        let (out, argmax) = Pooling.maxForward(value, geometry: geometry)
        return Tape.record(out, [self]) { g, _ in [Pooling.maxBackward(g, argmax: argmax, inputShape: shape)] }
    }

    /// Average pooling over an NCHW input (padding counts in the divisor).
    public func avgPool2d(geometry: Conv2dGeometry) -> Variable {
        let shape = self.shape
        return Tape.record(Pooling.averageForward(value, geometry: geometry), [self]) { g, _ in
            [Pooling.averageBackward(g, inputShape: shape, geometry: geometry)]
        }
    }

    /// Global average pooling: [N, C, H, W] → [N, C].
    public func globalAvgPool() -> Variable {
        let shape = self.shape
        return Tape.record(Pooling.globalAverageForward(value), [self]) { g, _ in
            [Pooling.globalAverageBackward(g, inputShape: shape)]
        }
    }

    /// PyTorch's adaptive average pooling of [N, C, H, W] to [N, C, size, size]: bin i covers
    /// ⌊i·H/size⌋ ..< ⌈(i+1)·H/size⌉ (bins overlap when H is not a multiple), as one matmul with a
    /// constant pooling matrix.
    public func adaptiveAvgPooled(to size: Int) -> Variable {
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        if h == size && w == size { return self }
        let pool = Tensor(shape: [size * size, h * w]) { m in
            m.update(repeating: 0)
            for i in 0..<size {
                let (y0, y1) = (i * h / size, ((i + 1) * h + size - 1) / size)
                for j in 0..<size {
                    let (x0, x1) = (j * w / size, ((j + 1) * w + size - 1) / size)
                    let weight = 1 / Float((y1 - y0) * (x1 - x0))
                    for y in y0..<y1 { for x in x0..<x1 { m[(i * size + j) * h * w + y * w + x] = weight } }
                }
            }
        }
        return reshaped([n * c, h * w]).matmul(Variable(constant: pool), transposeOther: true).reshaped([
            n, c, size, size,
        ])
    }
}
