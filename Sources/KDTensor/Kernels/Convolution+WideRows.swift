/// Convolutions on wide rows (see `WideRows`): the forward, and the input gradient of a stride-1
/// convolution, as micro-kernel tiles over the laid-out input and a packed weight.
extension Convolution {
    /// Whether the forward and the weight gradient run on wide rows: all but 1×1 kernels (a
    /// 1×1 convolution with stride 1 reads its input in place anyway).
    static func usesWideRows(_ g: Conv2dGeometry) -> Bool { g.kh > 1 || g.kw > 1 }

    /// Whether the input gradient runs on wide rows too: with stride 1 it is the convolution of
    /// the output gradient, padded by kernel − 1 − padding, with the flipped kernel.
    static func usesWideRowsForInputGradient(_ g: Conv2dGeometry) -> Bool {
        usesWideRows(g) && g.stride == 1 && g.kh == g.kw && g.padding < g.kh
    }

    /// Images per parallel task of `wideConvolution`.
    static let imagesPerTask = 4

    /// y [n, o, oh, ow] = x ⊛ W + bias for `images` of x [n, c, h, w] (`layout` is one image's),
    /// W packed as [taps, o] in `weight`.
    static func wideConvolution(
        _ x: UnsafePointer<Float>, images n: Int, layout: WideRows, weight: PackedPanels, bias: [Float]?,
        into y: UnsafeMutablePointer<Float>
    ) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr
        let o = weight.n, ldy = weight.panels * nr
        let offsets = layout.tapOffsets()
        let imageFloats = layout.c * layout.h * layout.w, plane = layout.oh * layout.ow
        offsets.withUnsafeBufferPointer { table in
            let taps = table.baseAddress!
            // Tasks of a few images go to whichever thread is free: fixed halves would idle one
            // thread whenever the other's core is busy with something else.
            let tasks = (n + imagesPerTask - 1) / imagesPerTask
            ThreadBudget.parallelFor(tasks) { task in
                GEMMWorkspace.withBuffer(floats: layout.paddedFloats + layout.tiledPixels * ldy) { scratch in
                    let xp = scratch, yt = scratch + layout.paddedFloats
                    for i in task * imagesPerTask..<min(n, (task + 1) * imagesPerTask) {
                        layout.pad(x + i * imageFloats, into: xp)
                        var p = 0
                        while p < layout.tiledPixels {
                            for panel in 0..<weight.panels {
                                GEMM.microKernel6x16(
                                    kc: weight.k, a: .shiftedColumns(xp + p, offsets: taps), b: weight.panel(panel),
                                    c: yt + p * ldy + panel * nr, ldc: ldy, alpha: 1, beta: 0, streams: false)
                            }
                            p += mr
                        }
                        transposeWideRows(yt, ld: ldy, layout: layout, channels: o, bias: bias, into: y + i * o * plane)
                    }
                }
            }
        }
    }

    /// y [channels, oh·ow] = ytᵀ + bias for the wide rows `yt` [wide pixels, ld], dropping the
    /// pixels past each row's `ow`.
    static func transposeWideRows(
        _ yt: UnsafePointer<Float>, ld: Int, layout: WideRows, channels: Int, bias: [Float]?,
        into y: UnsafeMutablePointer<Float>
    ) {
        let (oh, ow, wp) = (layout.oh, layout.ow, layout.rowWidth)
        let plane = oh * ow, fullChannels = ow >= 8 ? channels - channels % 8 : 0
        let rowBytes = ld * MemoryLayout<Float>.stride
        var j0 = 0
        while j0 < fullChannels {
            var bv = SIMD8<Float>()
            if let bias { for q in 0..<8 { bv[q] = bias[j0 + q] } }
            for r in 0..<oh {
                let src = UnsafeRawPointer(yt + r * wp * ld + j0), dst = y + j0 * plane + r * ow
                var q0 = 0
                while q0 < ow {
                    // A ragged end is one more block overlapping the previous (same values).
                    let q = min(q0, ow - 8)
                    let t = GEMM.transpose8x8(src + q * rowBytes, rowBytes: rowBytes)
                    let d = UnsafeMutableRawPointer(dst + q)
                    let step = plane * MemoryLayout<Float>.stride
                    d.storeBytes(of: t.0 + bv[0], as: SIMD8<Float>.self)
                    (d + step).storeBytes(of: t.1 + bv[1], as: SIMD8<Float>.self)
                    (d + 2 * step).storeBytes(of: t.2 + bv[2], as: SIMD8<Float>.self)
                    (d + 3 * step).storeBytes(of: t.3 + bv[3], as: SIMD8<Float>.self)
                    (d + 4 * step).storeBytes(of: t.4 + bv[4], as: SIMD8<Float>.self)
                    (d + 5 * step).storeBytes(of: t.5 + bv[5], as: SIMD8<Float>.self)
                    (d + 6 * step).storeBytes(of: t.6 + bv[6], as: SIMD8<Float>.self)
                    (d + 7 * step).storeBytes(of: t.7 + bv[7], as: SIMD8<Float>.self)
                    q0 += 8
                }
            }
            j0 += 8
        }
        for j in fullChannels..<channels {
            let b = bias?[j] ?? 0
            for r in 0..<oh {
                for q in 0..<ow { y[j * plane + r * ow + q] = yt[(r * wp + q) * ld + j] + b }
            }
        }
    }

    /// W [o, c, kh, kw] as the [c·kh·kw, o] B operand of the forward.
    static func packForward(_ w: UnsafePointer<Float>, o: Int, taps: Int) -> PackedPanels {
        PackedPanels(k: taps, n: o) { p, j in w[j * taps + p] }
    }

    /// W [o, c, kh, kw] as the B operand [o·kh·kw, c] of the input gradient: the kernel flipped
    /// in both directions, input and output channels swapped.
    static func packInputGradient(_ w: UnsafePointer<Float>, o: Int, c: Int, kh: Int, kw: Int) -> PackedPanels {
        PackedPanels(k: o * kh * kw, n: c) { p, j in
            let oc = p / (kh * kw), ki = p / kw % kh, kj = p % kw
            return w[((oc * c + j) * kh + kh - 1 - ki) * kw + kw - 1 - kj]
        }
    }
}
