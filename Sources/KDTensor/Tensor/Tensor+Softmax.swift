import Foundation

extension Tensor {
    /// Numerically stable log-sum-exp along `axis`.
    public func logSumExp(axis: Int = -1, keepDims: Bool = false) -> Tensor {
        let a = shape.normalize(axis: axis)
        let (outer, n, inner) = split(at: a)
        var dims = shape.dims
        if keepDims { dims[a] = 1 } else { dims.remove(at: a) }
        return withUnsafeBufferPointer { src in
            Tensor(shape: Shape(dims)) { dst in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        let m = stridedMax(src, base: base, count: n, stride: inner)
                        if !m.isFinite {
                            dst[o * inner + i] = m
                            continue
                        }
                        var s: Float = 0
                        for j in 0..<n { s += Foundation.exp(src[base + j * inner] - m) }
                        dst[o * inner + i] = m + Foundation.log(s)
                    }
                }
            }
        }
    }

    /// log(softmax(x)) along `axis`, computed as (x − max) − log Σ exp(x − max) so that large
    /// logits keep their precision.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        let a = shape.normalize(axis: axis)
        let (outer, n, inner) = split(at: a)
        return withUnsafeBufferPointer { src in
            Tensor(shape: shape) { dst in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        var m = stridedMax(src, base: base, count: n, stride: inner)
                        if !m.isFinite { m = 0 }
                        var s: Float = 0
                        for j in 0..<n { s += Foundation.exp(src[base + j * inner] - m) }
                        let logS = Foundation.log(s)
                        for j in 0..<n { dst[base + j * inner] = (src[base + j * inner] - m) - logS }
                    }
                }
            }
        }
    }

    /// softmax(x) along `axis`, shifted by the maximum for stability.
    public func softmax(axis: Int = -1) -> Tensor {
        let a = shape.normalize(axis: axis)
        let (outer, n, inner) = split(at: a)
        return withUnsafeBufferPointer { src in
            Tensor(shape: shape) { dst in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * n * inner + i
                        let m = stridedMax(src, base: base, count: n, stride: inner)
                        var s: Float = 0
                        for j in 0..<n {
                            let e = Foundation.exp(src[base + j * inner] - m)
                            dst[base + j * inner] = e
                            s += e
                        }
                        let r = 1 / s
                        for j in 0..<n { dst[base + j * inner] *= r }
                    }
                }
            }
        }
    }
}

/// The maximum of `count` elements starting at `base`, `stride` apart (−∞ when empty).
@inline(__always)
func stridedMax(_ src: UnsafeBufferPointer<Float>, base: Int, count: Int, stride: Int) -> Float {
    var m = -Float.infinity
    for j in 0..<count { m = Swift.max(m, src[base + j * stride]) }
    return m
}
