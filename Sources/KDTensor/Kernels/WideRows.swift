/// A convolution's input laid out so that every kernel tap is one shifted view of it, which
/// the micro-kernel reads in place through a table of tap offsets (no unfolded columns).
///
/// The image is zero-padded and split into stride² phase planes, plane (a, b) holding the
/// padded pixels (stride·i + a, stride·j + b) in rows of `rowWidth`. The input pixel that tap
/// (channel, ki, kj) gives output pixel (r, q) is then element r·rowWidth + q of its phase
/// plane shifted by (ki / stride, kj / stride): one offset per tap. The output is computed on
/// rows of `rowWidth` pixels, of which the first `ow` are output pixels and the rest (whose
/// windows wrap to the next row) are dropped. With stride 1 there is one phase: the padded image.
struct WideRows {
    let c: Int, h: Int, w: Int
    let kh: Int, kw: Int, pad: Int, stride: Int

    init(c: Int, h: Int, w: Int, _ g: Conv2dGeometry) {
        self.init(c: c, h: h, w: w, kh: g.kh, kw: g.kw, pad: g.padding, stride: g.stride)
    }

    init(c: Int, h: Int, w: Int, kh: Int, kw: Int, pad: Int, stride: Int) {
        (self.c, self.h, self.w, self.kh, self.kw, self.pad, self.stride) = (c, h, w, kh, kw, pad, stride)
    }

    var oh: Int { (h + 2 * pad - kh) / stride + 1 }
    var ow: Int { (w + 2 * pad - kw) / stride + 1 }
    /// Rows and width of one phase plane.
    var phaseRows: Int { (h + 2 * pad + stride - 1) / stride }
    var rowWidth: Int { (w + 2 * pad + stride - 1) / stride }
    var phasePlane: Int { phaseRows * rowWidth }
    /// Taps: the GEMM depth, in a weight's [c, kh, kw] order.
    var taps: Int { c * kh * kw }
    /// Pixels on the wide output rows.
    var widePixels: Int { oh * rowWidth }
    /// Wide pixels rounded up to whole micro-kernel tiles.
    var tiledPixels: Int { (widePixels + GEMMBlocking.mr - 1) / GEMMBlocking.mr * GEMMBlocking.mr }
    /// Floats of a laid-out image, with zeros past its end for the last tile's reads.
    var paddedFloats: Int { c * stride * stride * phasePlane + kw + GEMMBlocking.mr }
    /// Entries of the tap table: rounded up to whole tiles (extra taps read offset 0).
    var tableCount: Int { (taps + GEMMBlocking.mr - 1) / GEMMBlocking.mr * GEMMBlocking.mr }

    /// Each tap's offset in the laid-out image.
    func tapOffsets() -> [Int] {
        var table = [Int](repeating: 0, count: tableCount)
        for ch in 0..<c {
            for ki in 0..<kh {
                for kj in 0..<kw {
                    let phase = (ch * stride + ki % stride) * stride + kj % stride
                    table[(ch * kh + ki) * kw + kj] = phase * phasePlane + ki / stride * rowWidth + kj / stride
                }
            }
        }
        return table
    }

    /// Lays out image `x` [c, h, w] in `xp` (`paddedFloats` floats).
    func pad(_ x: UnsafePointer<Float>, into xp: UnsafeMutablePointer<Float>) {
        if stride == 1 {
            padWhole(x, into: xp)
        } else {
            for ch in 0..<c {
                for a in 0..<stride {
                    for b in 0..<stride {
                        let plane = xp + ((ch * stride + a) * stride + b) * phasePlane
                        for i in 0..<phaseRows {
                            let row = plane + i * rowWidth, ih = i * stride + a - pad
                            guard ih >= 0 && ih < h else {
                                Convolution.fillZero(row, rowWidth)
                                continue
                            }
                            // Phase columns j0..<j1 read input columns j·stride + b − pad inside the image.
                            let j0 = min(rowWidth, max(0, (pad - b + stride - 1) / stride))
                            let last = w - 1 + pad - b
                            let j1 = last < 0 ? j0 : max(j0, min(rowWidth, last / stride + 1))
                            let src = x + (ch * h + ih) * w + b - pad
                            Convolution.fillZero(row, j0)
                            for j in j0..<j1 { row[j] = src[j * stride] }
                            Convolution.fillZero(row + j1, rowWidth - j1)
                        }
                    }
                }
            }
        }
        Convolution.fillZero(xp + c * stride * stride * phasePlane, kw + GEMMBlocking.mr)
    }

    /// The stride-1 layout: the image with its zero border, row by row.
    private func padWhole(_ x: UnsafePointer<Float>, into xp: UnsafeMutablePointer<Float>) {
        let wp = rowWidth
        for ch in 0..<c {
            let plane = xp + ch * phasePlane, src = x + ch * h * w
            Convolution.fillZero(plane, pad * wp + pad)
            for r in 0..<h {
                let row = plane + (pad + r) * wp + pad
                Convolution.copyFloats(row, src + r * w, w)
                // This row's right border and the next row's left border are adjacent.
                Convolution.fillZero(row + w, 2 * pad)
            }
            Convolution.fillZero(plane + (pad + h) * wp + pad, pad * wp - pad)
        }
    }
}
