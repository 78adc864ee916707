extension Convolution {
    /// The partial weight gradient gWᵀ [taps, o] (rows o apart) summed over `images`: per image,
    /// the shifted padded input [taps, wide pixels] times the output gradient on wide rows
    /// [wide pixels, o]. The taps are read in place through `offsets` (`layout.tableCount`
    /// entries); only the output gradient is packed, in depth blocks that stay in L1 while
    /// every tap tile passes over them.
    static func wideWeightGradient(
        _ x: UnsafePointer<Float>, gradOutput gy: UnsafePointer<Float>, images: Range<Int>, layout: WideRows,
        o: Int, offsets: UnsafePointer<Int>, into part: UnsafeMutablePointer<Float>
    ) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr
        let (oh, wp) = (layout.oh, layout.rowWidth), panels = (o + nr - 1) / nr
        // Depth blocks of whole wide rows, as even as whole rows allow.
        let blocks = (oh * wp + GEMMBlocking.kcMax - 1) / GEMMBlocking.kcMax
        let rowsPerBlock = (oh + blocks - 1) / blocks
        let imageFloats = layout.c * layout.h * layout.w, plane = oh * layout.ow
        GEMMWorkspace.withBuffer(floats: layout.paddedFloats + panels * layout.widePixels * nr) { scratch in
            let xp = scratch, packed = scratch + layout.paddedFloats
            for i in images {
                layout.pad(x + i * imageFloats, into: xp)
                packWideRows(gy + i * o * plane, channels: o, layout: layout, rowsPerBlock: rowsPerBlock, into: packed)
                var r0 = 0
                while r0 < oh {
                    let p0 = r0 * wp, kcb = min(rowsPerBlock, oh - r0) * wp
                    // The first product of the group overwrites the partial; the rest add to it.
                    let beta: Float = i == images.lowerBound && r0 == 0 ? 0 : 1
                    var t = 0
                    while t < layout.taps {
                        let rows = min(mr, layout.taps - t)
                        let a = GEMM.TileA.shiftedRows(xp + p0, offsets: offsets + t)
                        for panel in 0..<panels {
                            let cols = min(nr, o - panel * nr)
                            let b = packed + p0 * panels * nr + panel * kcb * nr
                            let c = part + t * o + panel * nr
                            if rows == mr && cols == nr {
                                GEMM.microKernel6x16(
                                    kc: kcb, a: a, b: b, c: c, ldc: o, alpha: 1, beta: beta, streams: false)
                            } else {
                                GEMM.edgeKernel(
                                    rows: rows, cols: cols, kc: kcb, a: a, b: b, c: c, ldc: o, alpha: 1, beta: beta)
                            }
                        }
                        t += mr
                    }
                    r0 += rowsPerBlock
                }
            }
        }
    }

    /// Packs one image's output gradient [channels, oh·ow] as the B operand [wide pixels,
    /// channels]: depth blocks of `rowsPerBlock` wide rows, each holding its 16-channel panels of
    /// (rows·wp)×16 floats, with zeros for the pixels past each row's `ow` and the channels past
    /// `channels`.
    static func packWideRows(
        _ gy: UnsafePointer<Float>, channels: Int, layout: WideRows, rowsPerBlock: Int,
        into packed: UnsafeMutablePointer<Float>
    ) {
        let nr = GEMMBlocking.nr
        let panels = (channels + nr - 1) / nr
        let (oh, wp, ow) = (layout.oh, layout.rowWidth, layout.ow)
        let plane = oh * ow, planeBytes = plane * MemoryLayout<Float>.stride
        var r0 = 0
        while r0 < oh {
            let rows = min(rowsPerBlock, oh - r0)
            for panel in 0..<panels {
                let j0 = panel * nr, cols = min(nr, channels - j0)
                let block = packed + r0 * wp * panels * nr + panel * rows * wp * nr
                for r in 0..<rows {
                    let src = gy + j0 * plane + (r0 + r) * ow, dst = block + r * wp * nr
                    if cols == nr && ow >= 8 {
                        var q0 = 0
                        while q0 < ow {
                            // A ragged end is one more block overlapping the previous (same values).
                            let q = min(q0, ow - 8)
                            for half in 0..<2 {
                                GEMM.storeTransposed8x8(
                                    UnsafeRawPointer(src + half * 8 * plane + q), rowBytes: planeBytes,
                                    to: UnsafeMutableRawPointer(dst + q * nr + half * 8),
                                    dstRowBytes: nr * MemoryLayout<Float>.stride)
                            }
                            q0 += 8
                        }
                    } else {
                        for q in 0..<ow {
                            for t in 0..<cols { dst[q * nr + t] = src[t * plane + q] }
                            fillZero(dst + q * nr + cols, nr - cols)
                        }
                    }
                    fillZero(dst + ow * nr, (wp - ow) * nr)
                }
            }
            r0 += rows
        }
    }
}
