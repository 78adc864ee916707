import KDTensor

extension Variable {
    /// softmax along `axis`.
    public func softmax(axis: Int = -1) -> Variable {
        let y = value.softmax(axis: axis)
        return Tape.record(y, [self]) { g, _ in
            let dot = (g * y).sum(axes: [axis], keepDims: true)
            return [y * (g - dot)]
        }
    }

    /// log(softmax) along `axis`.
    public func logSoftmax(axis: Int = -1) -> Variable {
        let y = value.logSoftmax(axis: axis)
        return Tape.record(y, [self]) { g, _ in
            [g - y.exp() * g.sum(axes: [axis], keepDims: true)]
        }
    }

    /// log Σ exp along `axis`.
    public func logSumExp(axis: Int = -1, keepDims: Bool = false) -> Variable {
        let x = value
        let kept = keptShape(x.shape, [axis])
        let out = x.logSumExp(axis: axis, keepDims: keepDims)
        return Tape.record(out, [self]) { g, _ in
            [(x - out.reshaped(kept.dims)).exp() * g.reshaped(kept.dims)]
        }
    }
}
