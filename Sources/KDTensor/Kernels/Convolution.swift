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
        self.kh = kh
        self.kw = kw
        self.stride = stride
        self.padding = padding
    }

    /// Output spatial size for an input of `h`×`w`.
    public func outputSize(h: Int, w: Int) -> (h: Int, w: Int) {
        ((h + 2 * padding - kh) / stride + 1, (w + 2 * padding - kw) / stride + 1)
    }

    /// Whether the convolution is a plain channel mix (1×1, stride 1, no padding).
    var isPointwise: Bool { kh == 1 && kw == 1 && stride == 1 && padding == 0 }
}

/// Convolution kernels: on wide rows (no unfolding) but for 1×1 kernels, which read their input
/// in place (or im2col it for a stride); input gradients of strided ones via GEMM + col2im.
public enum Convolution {
    /// Images per weight-gradient partial sum: fixed, so the summation order (and so the result)
    /// does not depend on the thread count.
    static let weightGradGroup = 8

    /// Output of convolving `input` [N, C, H, W] with `weight` [O, C, kh, kw] plus `bias` [O].
    ///
    /// Per image, Yᵀ [oh·ow, O] = colsᵀ · Wᵀ: the long pixel axis is GEMM's M, so the kernel
    /// reads the unfolded columns in place and packs only the small weight; the result is then
    /// transposed into the image's planes with the bias added.
    public static func forward(input: Tensor, weight: Tensor, bias: Tensor?, geometry g: Conv2dGeometry) -> Tensor {
        let (n, c, h, w) = dims4(input, "conv2d input")
        precondition(
            weight.rank == 4 && weight.shape[1] == c && weight.shape[2] == g.kh && weight.shape[3] == g.kw,
            "conv2d weight \(weight.shape) does not fit input \(input.shape) with kernel \(g.kh)x\(g.kw)")
        let o = weight.shape[0]
        if let bias { precondition(bias.shape == [o], "conv2d bias \(bias.shape), expected [\(o)]") }
        let (oh, ow) = g.outputSize(h: h, w: w)
        precondition(
            oh > 0 && ow > 0, "conv2d input \(input.shape) too small for kernel \(g.kh)x\(g.kw) pad \(g.padding)")
        let ckk = c * g.kh * g.kw, plane = oh * ow
        let biasValues = bias?.scalars
        if usesWideRows(g) {
            let layout = WideRows(c: c, h: h, w: w, g)
            return input.withUnsafeBufferPointer { x in
                let packed = weight.withUnsafeBufferPointer { packForward($0.baseAddress!, o: o, taps: ckk) }
                return Tensor(shape: [n, o, oh, ow]) { y in
                    wideConvolution(
                        x.baseAddress!, images: n, layout: layout, weight: packed, bias: biasValues,
                        into: y.baseAddress!)
                }
            }
        }
        return input.withUnsafeBufferPointer { x in
            weight.withUnsafeBufferPointer { wt in
                Tensor(shape: [n, o, oh, ow]) { y in
                    let xb = x.baseAddress!, wb = wt.baseAddress!, yb = y.baseAddress!
                    ThreadBudget.parallelChunks(n) { images in
                        let colsFloats = g.isPointwise ? 0 : ckk * plane
                        GEMMWorkspace.withBuffer(floats: colsFloats + plane * o) { scratch in
                            let cols = scratch, yt = scratch + colsFloats
                            for i in images {
                                let xi = xb + i * c * h * w
                                let src = columns(of: xi, channels: c, h: h, w: w, g, oh: oh, ow: ow, scratch: cols)
                                GEMM.sgemm(
                                    transA: true, transB: true, m: plane, n: o, k: ckk,
                                    a: src, lda: plane, b: wb, ldb: ckk,
                                    c: yt, ldc: o, threads: 1)
                                transposeAddingBias(
                                    yt, rows: plane, cols: o, bias: biasValues,
                                    into: yb + i * o * plane)
                            }
                        }
                    }
                }
            }
        }
    }

    /// dst[j][r] = src[r][j] + bias[j] for a rows×cols `src`.
    static func transposeAddingBias(
        _ src: UnsafePointer<Float>, rows: Int, cols: Int, bias: [Float]?,
        into dst: UnsafeMutablePointer<Float>
    ) {
        // 8×8 blocks transposed in registers, then the leftover columns and rows one by one.
        let fullCols = cols - cols % 8, fullRows = rows - rows % 8
        let rowBytes = cols * MemoryLayout<Float>.stride
        var j0 = 0
        while j0 < fullCols {
            var bv = [Float](repeating: 0, count: 8)
            if let bias { for q in 0..<8 { bv[q] = bias[j0 + q] } }
            let (b0, b1, b2, b3, b4, b5, b6, b7) = (bv[0], bv[1], bv[2], bv[3], bv[4], bv[5], bv[6], bv[7])
            let base = UnsafeRawPointer(src + j0)
            var r0 = 0
            while r0 < fullRows {
                let t = GEMM.transpose8x8(base + r0 * rowBytes, rowBytes: rowBytes)
                let d = dst + j0 * rows + r0
                UnsafeMutableRawPointer(d).storeBytes(of: t.0 + b0, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + rows).storeBytes(of: t.1 + b1, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + 2 * rows).storeBytes(of: t.2 + b2, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + 3 * rows).storeBytes(of: t.3 + b3, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + 4 * rows).storeBytes(of: t.4 + b4, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + 5 * rows).storeBytes(of: t.5 + b5, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + 6 * rows).storeBytes(of: t.6 + b6, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(d + 7 * rows).storeBytes(of: t.7 + b7, as: SIMD8<Float>.self)
                r0 += 8
            }
            for j in j0..<j0 + 8 {
                let b = bv[j - j0]
                let d = dst + j * rows
                for r in fullRows..<rows { d[r] = src[r * cols + j] + b }
            }
            j0 += 8
        }
        if fullCols == cols { return }
        // Blocks of 8 rows keep the 8 source lines in L1 while every leftover column is written.
        let block = 8
        var r0 = 0
        while r0 < rows {
            let r1 = min(rows, r0 + block)
            for j in fullCols..<cols {
                let b = bias?[j] ?? 0
                let d = dst + j * rows
                for r in r0..<r1 { d[r] = src[r * cols + j] + b }
            }
            r0 = r1
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
                if needInput && usesWideRowsForInputGradient(g) {
                    let layout = WideRows(c: o, h: oh, w: ow, kh: g.kh, kw: g.kw, pad: g.kh - 1 - g.padding, stride: 1)
                    let packed = weight.withUnsafeBufferPointer {
                        packInputGradient($0.baseAddress!, o: o, c: c, kh: g.kh, kw: g.kw)
                    }
                    gInput = Tensor(shape: input.shape) { gx in
                        wideConvolution(
                            gyp, images: n, layout: layout, weight: packed, bias: nil, into: gx.baseAddress!)
                    }
                } else if needInput {
                    gInput = weight.withUnsafeBufferPointer { wt in
                        Tensor(shape: input.shape) { gx in
                            let gxb = gx.baseAddress!
                            ThreadBudget.parallelChunks(n) { images in
                                GEMMWorkspace.withBuffer(floats: g.isPointwise ? 1 : ckk * plane) { cols in
                                    for i in images {
                                        let gxi = gxb + i * c * h * w
                                        GEMM.sgemm(
                                            transA: true, transB: false, m: ckk, n: plane, k: o,
                                            a: wt.baseAddress!, lda: ckk, b: gyp + i * o * plane, ldb: plane,
                                            c: g.isPointwise ? gxi : cols, ldc: plane, threads: 1)
                                        if !g.isPointwise {
                                            col2im(cols, channels: c, h: h, w: w, g, oh: oh, ow: ow, into: gxi)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                if needWeight {
                    // Per group of images, the partial gWᵀ [C·kh·kw, O] = Σ cols · gyᵀ: the
                    // unfolded columns are read in place and only the image's gradient is packed.
                    let groups = (n + weightGradGroup - 1) / weightGradGroup
                    let count = o * ckk
                    let layout = WideRows(c: c, h: h, w: w, g)
                    let taps = usesWideRows(g) ? layout.tapOffsets() : []
                    GEMMWorkspace.withBuffer(floats: max(groups, 1) * count) { partials in
                        if groups == 0 { partials.update(repeating: 0, count: count) }
                        ThreadBudget.parallelFor(groups) { grp in
                            let part = partials + grp * count
                            let lo = grp * weightGradGroup, hi = min(n, lo + weightGradGroup)
                            if usesWideRows(g) {
                                taps.withUnsafeBufferPointer { table in
                                    wideWeightGradient(
                                        xb, gradOutput: gyp, images: lo..<hi, layout: layout, o: o,
                                        offsets: table.baseAddress!, into: part)
                                }
                                return
                            }
                            GEMMWorkspace.withBuffer(floats: g.isPointwise ? 1 : ckk * plane) { cols in
                                for i in lo..<hi {
                                    let xi = xb + i * c * h * w
                                    let src = columns(of: xi, channels: c, h: h, w: w, g, oh: oh, ow: ow, scratch: cols)
                                    GEMM.sgemm(
                                        transA: false, transB: true, m: ckk, n: o, k: plane,
                                        a: src, lda: plane, b: gyp + i * o * plane, ldb: plane,
                                        beta: i == lo ? 0 : 1, c: part, ldc: o, threads: 1)
                                }
                            }
                        }
                        // Groups are summed in a fixed order, then transposed to [O, C·kh·kw].
                        for grp in 1..<max(groups, 1) {
                            let part = partials + grp * count
                            for j in 0..<count { partials[j] += part[j] }
                        }
                        gWeight = Tensor(shape: weight.shape) { gw in
                            transposeAddingBias(partials, rows: ckk, cols: o, bias: nil, into: gw.baseAddress!)
                        }
                    }
                }
            }
        }
        return (gInput, gWeight, gBias)
    }

    /// The image's columns [C·kh·kw, oh·ow]: the image itself for a pointwise conv, else
    /// unfolded into `scratch`.
    static func columns(
        of image: UnsafePointer<Float>, channels: Int, h: Int, w: Int, _ g: Conv2dGeometry,
        oh: Int, ow: Int, scratch: UnsafeMutablePointer<Float>
    ) -> UnsafePointer<Float> {
        if g.isPointwise { return image }
        im2col(image, channels: channels, h: h, w: w, g, oh: oh, ow: ow, into: scratch)
        return UnsafePointer(scratch)
    }

    /// Unfolds one image [C, H, W] into columns [C·kh·kw, oh·ow] (zeros where the window
    /// overhangs the padding).
    static func im2col(
        _ x: UnsafePointer<Float>, channels: Int, h: Int, w: Int, _ g: Conv2dGeometry,
        oh: Int, ow: Int, into cols: UnsafeMutablePointer<Float>
    ) {
        var row = cols
        for ch in 0..<channels {
            let plane = x + ch * h * w
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    let shift = kj - g.padding
                    let (lo, hi) = validColumns(ow: ow, w: w, stride: g.stride, shift: shift)
                    for r in 0..<oh {
                        let ih = r * g.stride - g.padding + ki
                        let dst = row + r * ow
                        if ih < 0 || ih >= h {
                            fillZero(dst, ow)
                            continue
                        }
                        let src = plane + ih * w
                        // Rows are short (ow floats): inline copies beat memcpy/memset calls.
                        fillZero(dst, lo)
                        if g.stride == 1 {
                            copyFloats(dst + lo, src + lo + shift, hi - lo)
                        } else {
                            for q in lo..<hi { dst[q] = src[q * g.stride + shift] }
                        }
                        fillZero(dst + hi, ow - hi)
                    }
                    row += oh * ow
                }
            }
        }
    }

    /// Folds columns back into an image, summing overlapping windows (the adjoint of im2col).
    static func col2im(
        _ cols: UnsafePointer<Float>, channels: Int, h: Int, w: Int, _ g: Conv2dGeometry,
        oh: Int, ow: Int, into x: UnsafeMutablePointer<Float>
    ) {
        x.update(repeating: 0, count: channels * h * w)
        var row = cols
        for ch in 0..<channels {
            let plane = x + ch * h * w
            for ki in 0..<g.kh {
                for kj in 0..<g.kw {
                    let shift = kj - g.padding
                    let (lo, hi) = validColumns(ow: ow, w: w, stride: g.stride, shift: shift)
                    for r in 0..<oh {
                        let ih = r * g.stride - g.padding + ki
                        guard ih >= 0 && ih < h else { continue }
                        let src = row + r * ow
                        let dst = plane + ih * w
                        if g.stride == 1 {
                            addFloats(dst + shift + lo, src + lo, hi - lo)
                        } else {
                            for q in lo..<hi { dst[q * g.stride + shift] += src[q] }
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }
}

extension Convolution {
    /// dst[0..<count] = src[0..<count], 8 floats at a time; a ragged end is covered by one more
    /// vector overlapping the previous one (the overlap is written twice with the same values),
    /// so short rows (7, 14, 28 floats) take no scalar tail.
    @inline(__always)
    static func copyFloats(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ count: Int) {
        let d = UnsafeMutableRawPointer(dst), s = UnsafeRawPointer(src)
        if count >= 8 {
            var j = 0
            while j + 8 <= count {
                d.storeBytes(
                    of: s.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self), toByteOffset: j * 4,
                    as: SIMD8<Float>.self)
                j += 8
            }
            if j < count {
                let last = (count - 8) * 4
                d.storeBytes(
                    of: s.loadUnaligned(fromByteOffset: last, as: SIMD8<Float>.self), toByteOffset: last,
                    as: SIMD8<Float>.self)
            }
        } else if count >= 4 {
            let last = (count - 4) * 4
            let head = s.loadUnaligned(as: SIMD4<Float>.self)
            let tail = s.loadUnaligned(fromByteOffset: last, as: SIMD4<Float>.self)
            d.storeBytes(of: head, as: SIMD4<Float>.self)
            d.storeBytes(of: tail, toByteOffset: last, as: SIMD4<Float>.self)
        } else {
            for j in 0..<count { dst[j] = src[j] }
        }
    }

    /// dst[0..<count] = 0, 8 floats at a time, a ragged end by an overlapping vector.
    @inline(__always)
    static func fillZero(_ dst: UnsafeMutablePointer<Float>, _ count: Int) {
        let d = UnsafeMutableRawPointer(dst)
        if count >= 8 {
            var j = 0
            while j + 8 <= count {
                d.storeBytes(of: SIMD8<Float>(), toByteOffset: j * 4, as: SIMD8<Float>.self)
                j += 8
            }
            if j < count { d.storeBytes(of: SIMD8<Float>(), toByteOffset: (count - 8) * 4, as: SIMD8<Float>.self) }
        } else if count >= 4 {
            d.storeBytes(of: SIMD4<Float>(), as: SIMD4<Float>.self)
            d.storeBytes(of: SIMD4<Float>(), toByteOffset: (count - 4) * 4, as: SIMD4<Float>.self)
        } else {
            for j in 0..<count { dst[j] = 0 }
        }
    }

    /// dst[0..<count] += src[0..<count]: 8, then 4 floats at a time, then one by one (each
    /// element gets exactly one addition, as in a scalar loop).
    @inline(__always)
    static func addFloats(_ dst: UnsafeMutablePointer<Float>, _ src: UnsafePointer<Float>, _ count: Int) {
        let d = UnsafeMutableRawPointer(dst), s = UnsafeRawPointer(src)
        var j = 0
        while j + 8 <= count {
            let sum =
                UnsafeRawPointer(d).loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                + s.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            d.storeBytes(of: sum, toByteOffset: j * 4, as: SIMD8<Float>.self)
            j += 8
        }
        if j + 4 <= count {
            let sum =
                UnsafeRawPointer(d).loadUnaligned(fromByteOffset: j * 4, as: SIMD4<Float>.self)
                + s.loadUnaligned(fromByteOffset: j * 4, as: SIMD4<Float>.self)
            d.storeBytes(of: sum, toByteOffset: j * 4, as: SIMD4<Float>.self)
            j += 4
        }
        while j < count {
            dst[j] += src[j]
            j += 1
        }
    }

    /// The output columns q in lo..<hi whose input column q·stride + shift lies in 0..<w.
    @inline(__always)
    static func validColumns(ow: Int, w: Int, stride: Int, shift: Int) -> (Int, Int) {
        // q ≥ ⌈−shift / stride⌉ and q ≤ ⌊(w − 1 − shift) / stride⌋.
        let lo = shift >= 0 ? 0 : (-shift + stride - 1) / stride
        let last = w - 1 - shift
        let hi = last < 0 ? 0 : last / stride + 1
        let l = min(ow, lo)
        return (l, max(l, min(ow, hi)))
    }
}

/// The four dimensions of an NCHW tensor.
func dims4(_ t: Tensor, _ what: String) -> (Int, Int, Int, Int) {
    precondition(t.rank == 4, "\(what) must be NCHW, got \(t.shape)")
    return (t.shape[0], t.shape[1], t.shape[2], t.shape[3])
}
