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
}
