/// Kernels of the planned inference forward over channels-last images: one image is [h·w, c]
/// row-major, the layout a convolution's GEMM (pixels × output channels) writes directly, so no
/// layer transposes. Callers (KDNN's `InferencePlan`) size every buffer from the plan's shapes.
public enum ChannelsLast {
    /// Unfolds output pixels `pixels` of image `x` [h·w, c] into rows [pixels.count, kh·kw·c]
    /// (window position, then channel), zeros where the window overhangs the padding.
    static func im2col(
        _ x: UnsafePointer<Float>, c: Int, h: Int, w: Int, geometry g: Conv2dGeometry,
        pixels: Range<Int>, into cols: UnsafeMutablePointer<Float>
    ) {
        let ow = g.outputSize(h: h, w: w).w
        var dst = cols
        for pixel in pixels {
            let r = pixel / ow, q = pixel % ow
            let (lo, hi) = Convolution.validColumns(ow: g.kw, w: w, stride: 1, shift: q * g.stride - g.padding)
            for ki in 0..<g.kh {
                let ih = r * g.stride - g.padding + ki
                if ih < 0 || ih >= h || lo >= hi {
                    Convolution.fillZero(dst, g.kw * c)
                } else {
                    // Window columns lo..<hi are inside the image: one contiguous run of pixels.
                    let iw = q * g.stride - g.padding + lo
                    Convolution.fillZero(dst, lo * c)
                    Convolution.copyFloats(dst + lo * c, x + (ih * w + iw) * c, (hi - lo) * c)
                    Convolution.fillZero(dst + hi * c, (g.kw - hi) * c)
                }
                dst += g.kw * c
            }
        }
    }

    /// y[p][j] = act(y[p][j] + bias[j] + residual[p][j]) for a rows×cols `y`, in place; `act` is
    /// max(·, 0) with `relu`, else the identity. `bias` and `residual` are optional.
    public static func finish(
        _ y: UnsafeMutablePointer<Float>, rows: Int, cols: Int, bias: UnsafePointer<Float>?,
        residual: UnsafePointer<Float>?, relu: Bool
    ) {
        if bias == nil && residual == nil && !relu { return }
        let vectors = cols / 8
        for p in 0..<rows {
            let row = y + p * cols, res = residual.map { $0 + p * cols }
            for v in 0..<vectors {
                let offset = v * 8
                var value = UnsafeRawPointer(row + offset).loadUnaligned(as: SIMD8<Float>.self)
                if let bias { value += UnsafeRawPointer(bias + offset).loadUnaligned(as: SIMD8<Float>.self) }
                if let res { value += UnsafeRawPointer(res + offset).loadUnaligned(as: SIMD8<Float>.self) }
                if relu { value = value.replacing(with: 0, where: value .< 0) }
                UnsafeMutableRawPointer(row + offset).storeBytes(of: value, as: SIMD8<Float>.self)
            }
            for j in vectors * 8..<cols {
                var value = row[j]
                if let bias { value += bias[j] }
                if let res { value += res[j] }
                row[j] = relu ? max(value, 0) : value
            }
        }
    }

    /// y[p][j] = x[p][j]·scale[j] + shift[j], then max(·, 0) with `relu` (an evaluation-mode
    /// batch norm that no convolution can absorb, as before a pre-activation block's ReLU).
    public static func affine(
        _ x: UnsafePointer<Float>, rows: Int, cols: Int, scale: UnsafePointer<Float>,
        shift: UnsafePointer<Float>, relu: Bool, into y: UnsafeMutablePointer<Float>
    ) {
        let vectors = cols / 8
        for p in 0..<rows {
            let src = x + p * cols, dst = y + p * cols
            for v in 0..<vectors {
                let offset = v * 8
                var value = UnsafeRawPointer(src + offset).loadUnaligned(as: SIMD8<Float>.self)
                value =
                    value * UnsafeRawPointer(scale + offset).loadUnaligned(as: SIMD8<Float>.self)
                    + UnsafeRawPointer(shift + offset).loadUnaligned(as: SIMD8<Float>.self)
                if relu { value = value.replacing(with: 0, where: value .< 0) }
                UnsafeMutableRawPointer(dst + offset).storeBytes(of: value, as: SIMD8<Float>.self)
            }
            for j in vectors * 8..<cols {
                let value = src[j] * scale[j] + shift[j]
                dst[j] = relu ? max(value, 0) : value
            }
        }
    }

    /// 2×2 stride-2 max pooling of image `x` [h·w, c] into [(h/2)·(w/2), c], then `finish`'s
    /// bias and ReLU (both commute with the max, so a convolution's epilogue can pool first).
    public static func maxPool2x2(
        _ x: UnsafePointer<Float>, c: Int, h: Int, w: Int, bias: UnsafePointer<Float>?,
        relu: Bool, into y: UnsafeMutablePointer<Float>
    ) {
        let oh = h / 2, ow = w / 2
        for r in 0..<oh {
            for q in 0..<ow {
                let a = x + ((2 * r) * w + 2 * q) * c, b = a + c, d = a + w * c, e = d + c
                let dst = y + (r * ow + q) * c
                for j in 0..<c { dst[j] = max(max(a[j], b[j]), max(d[j], e[j])) }
            }
        }
        finish(y, rows: oh * ow, cols: c, bias: bias, residual: nil, relu: relu)
    }

    /// y[j] = mean over the rows of x[p][j] (global average pooling of one image).
    public static func meanRows(_ x: UnsafePointer<Float>, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>) {
        y.update(repeating: 0, count: cols)
        for p in 0..<rows { Convolution.addFloats(y, x + p * cols, cols) }
        let scale = 1 / Float(rows)
        for j in 0..<cols { y[j] *= scale }
    }

    /// dst [cols, rows] = srcᵀ for a rows×cols `src`: one image back to channels-first.
    public static func transpose(
        _ src: UnsafePointer<Float>, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        Convolution.transposeAddingBias(src, rows: rows, cols: cols, bias: nil, into: dst)
    }
}
