/// The geometry of a 2-D convolution or pooling window over NCHW tensors (dilation 1, groups 1).
public struct Conv2dGeometry: Hashable, Sendable {
    /// Kernel height and width.
    public var kernel: (h: Int, w: Int) { (kh, kw) }
    public let kh: Int, kw: Int
    /// Step between windows.
    public let stride: Int
    /// Zero padding on each side.
    public let padding: Int

    public init(kernel: Int, stride: Int = 1, padding: Int = 0) {
        self.init(kh: kernel, kw: kernel, stride: stride, padding: padding)
    }

    public init(kh: Int, kw: Int, stride: Int = 1, padding: Int = 0) {
        precondition(kh > 0 && kw > 0 && stride > 0 && padding >= 0, "bad window \(kh)x\(kw)/\(stride) pad \(padding)")
        self.kh = kh; self.kw = kw; self.stride = stride; self.padding = padding
    }

    /// Output spatial size for an input of `h`×`w`.
    public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
        ((h + 2 * padding - kh) / stride + 1, (w + 2 * padding - kw) / stride + 1)
    }

    /// Whether the convolution is a plain channel mix (1×1, stride 1, no padding).
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
}

/// Convolution kernels: im2col + GEMM, with a direct path for 1×1.
public enum Convolution {
    /// Images per weight-gradient partial sum: fixed, so the summation order (and so the result)
    /// does not depend on the thread count.
    static let weightGradGroup = 8

    /// Output of convolving `input` [N, C, H, W] with `weight` [O, C, kh, kw] plus `bias` [O].
    public static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2dGeometry) -> Tensor {
        let (n, c, h, w) = dims4(input, "conv2d input")
        precondition(weight.rank == 4 && weight.shape[1] == c && weight.shape[2] == g.kh && weight.shape[3] == g.kw,
                     "conv2d weight \(weight.shape) does not fit input \(input.shape) with kernel \(g.kh)x\(g.kw)")
        let o = weight.shape[0]
        if let bias { precondition(bias.shape == [o], "conv2d bias \(bias.shape), expected [\(o)]") }
        let (oh, ow) = g.outputSize(h: h, w: w)
        precondition(oh > 0 && ow > 0, "conv2d input \(input.shape) too small for kernel \(g.kh)x\(g.kw) pad \(g.padding)")
        let ckk = c * g.kh * g.kw, plane = oh * ow
        return input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { wt in
                Tensor(shape: [n, o, oh, ow]) { y in
                    let xb = x.baseAddress!, wb = wt.baseAddress!, yb = y.baseAddress!
                    ThreadBudget.parallelChunks(n) { images in
                        let cols = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: ckk * plane)
                        defer { cols?.deallocate() }
                        for i in images {
                            let xi = xb + i * c * h * w
                            let src: UnsafePointer<Float>
                            if let cols {
                                im2col(xi, channels: c, h: h, w: w, g, oh: oh, ow: ow, into: cols)
                                src = UnsafePointer(cols)
                            } else {
                                src = xi
                            }
                            let yi = yb + i * o * plane
                            if let bias {
                                bias.withUnsafeBufferPointer { bb in
                                    for oc in 0..<o {
                                        let v = bb[oc]
                                        for p in 0..<plane { yi[oc * plane + p] = v }
                                    }
                                }
                            }
                            GEMM.sgemm(transA: false, transB: false, m: o, n: plane, k: ckk,
                                       a: wb, lda: ckk, b: src, ldb: plane,
                                       beta: bias == nil ? 0 : 1, c: yi, ldc: plane, threads: 1)
                        }
                    }
                }
            }
        }
    }

    /// Gradients of a convolution with respect to its input, weight and bias, given the output
    /// gradient; each is computed only when asked for.
    public static func backward(
        gradOutput gy: Tensor, input: Tensor, weight: Tensor, geometry g: Conv2dGeometry,
        needInput: Bool, needWeight: Bool, needBias: Bool
    ) -> (input: Tensor?, weight: Tensor?, bias: Tensor?) {
        let (n, c, h, w) = dims4(input, "conv2d input")
        let o = weight.shape[0]
        let (oh, ow) = g.outputSize(h: h, w: w)
        precondition(gy.shape == [n, o, oh, ow], "conv2d output gradient \(gy.shape), expected \([n, o, oh, ow])")
        let ckk = c * g.kh * g.kw, plane = oh * ow
        let gBias = needBias ? gy.sum(axes: [0, 2, 3]) : nil
        var gInput: Tensor?
        var gWeight: Tensor?
        gy.withUnsafeBufferPointer { gyb in
            input.withUnsafeBufferPointer { x in
                let gyp = gyb.baseAddress!, xb = x.baseAddress!
                if needInput {
                    gInput = weight.withUnsafeBufferPointer { wt in
                        Tensor(shape: input.shape) { gx in
                            let gxb = gx.baseAddress!
                            ThreadBudget.parallelChunks(n) { images in
                                let cols = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: ckk * plane)
                                defer { cols?.deallocate() }
                                for i in images {
                                    let gxi = gxb + i * c * h * w
                                    GEMM.sgemm(transA: true, transB: false, m: ckk, n: plane, k: o,
                                               a: wt.baseAddress!, lda: ckk, b: gyp + i * o * plane, ldb: plane,
                                               c: cols ?? gxi, ldc: plane, threads: 1)
                                    if let cols { col2im(cols, channels: c, h: h, w: w, g, oh: oh, ow: ow, into: gxi) }
                                }
                            }
                        }
                    }
                }
                if needWeight {
                    let groups = (n + weightGradGroup - 1) / weightGradGroup
                    let partials = UnsafeMutablePointer<Float>.allocate(capacity: groups * o * ckk)
                    defer { partials.deallocate() }
                    ThreadBudget.parallelFor(groups) { grp in
                        let cols = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: ckk * plane)
                        defer { cols?.deallocate() }
                        let part = partials + grp * o * ckk
                        let lo = grp * weightGradGroup, hi = min(n, lo + weightGradGroup)
                        for i in lo..<hi {
                            let xi = xb + i * c * h * w
                            let src: UnsafePointer<Float>
                            if let cols {
                                im2col(xi, channels: c, h: h, w: w, g, oh: oh, ow: ow, into: cols)
                                src = UnsafePointer(cols)
                            } else {
                                src = xi
                            }
                            GEMM.sgemm(transA: false, transB: true, m: o, n: ckk, k: plane,
                                       a: gyp + i * o * plane, lda: plane, b: src, ldb: plane,
                                       beta: i == lo ? 0 : 1, c: part, ldc: ckk, threads: 1)
                        }
                    }
                    gWeight = Tensor(shape: weight.shape) { gw in
                        let count = o * ckk
                        for j in 0..<count { gw[j] = partials[j] }
                        for grp in 1..<groups {
                            let part = partials + grp * count
                            for j in 0..<count { gw[j] += part[j] }
                        }
                    }
                }
            }
        }
        return (gInput, gWeight, gBias)
    }

    /// Unfolds one image [C, H, W] into columns [C·kh·kw, oh·ow] (zeros where the window
    /// overhangs the padding).
    static func im2col(_ x: UnsafePointer<Float>, channels: Int, h: Int, w: Int, _ g: Conv2dGeometry,
                       oh: Int, ow: Int, into cols: UnsafeMutablePointer<Float>) {
        var row = cols
        for ch in 0..<channels {
            let plane = x + ch * h * w
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    for r in 0..<oh {
                        let ih = r * g.stride - g.padding + ki
                        let dst = row + r * ow
                        if ih < 0 || ih >= h {
                            for q in 0..<ow { dst[q] = 0 }
                            continue
                        }
                        let src = plane + ih * w
                        let shift = kj - g.padding
                        if g.stride == 1 {
                            let lo = min(ow, max(0, -shift)), hi = max(lo, min(ow, w - shift))
                            dst.update(repeating: 0, count: lo)
                            (dst + lo).update(from: src + lo + shift, count: hi - lo)
                            (dst + hi).update(repeating: 0, count: ow - hi)
                        } else {
                            for q in 0..<ow {
                                let iw = q * g.stride + shift
                                dst[q] = iw >= 0 && iw < w ? src[iw] : 0
                            }
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }

    /// Folds columns back into an image, summing overlapping windows (the adjoint of im2col).
    static func col2im(_ cols: UnsafePointer<Float>, channels: Int, h: Int, w: Int, _ g: Conv2dGeometry,
                       oh: Int, ow: Int, into x: UnsafeMutablePointer<Float>) {
        x.update(repeating: 0, count: channels * h * w)
        var row = cols
        for ch in 0..<channels {
            let plane = x + ch * h * w
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    for r in 0..<oh {
                        let ih = r * g.stride - g.padding + ki
                        guard ih >= 0 && ih < h else { continue }
                        let src = row + r * ow
                        let dst = plane + ih * w
                        let shift = kj - g.padding
                        for q in 0..<ow {
                            let iw = q * g.stride + shift
                            if iw >= 0 && iw < w { dst[iw] += src[q] }
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }
}

/// The four dimensions of an NCHW tensor.
func dims4(_ t: Tensor, _ what: String) -> (Int, Int, Int, Int) {
    precondition(t.rank == 4, "\(what) must be NCHW, got \(t.shape)")
    return (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
}
