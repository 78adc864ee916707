/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded micro-panel layouts the
/// micro-kernel streams through, so the kernel never sees strides or transposes.
extension GEMM {
    /// Packs op(A)[i0..<i0+mc][p0..<p0+kc] into ⌈mc/6⌉ panels of kc×6 floats (row index
    /// fastest), padding rows past `mc` with zeros. op(A)[i][p] is a[p·lda+i] when `trans`,
    /// else a[i·lda+p].
    static func packA(
        trans: Bool, a: UnsafePointer<Float>, lda: Int,
        i0: Int, mc: Int, p0: Int, kc: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let mr = GEMMBlocking.mr
        var panel = dst
        var i = 0
        while i < mc {
            let rows = min(mr, mc - i)
            if trans {
                // op(A) rows are contiguous columns of the stored matrix: 6 adjacent floats per p.
                var src = a + p0 * lda + (i0 + i)
                var d = panel
                if rows == mr {
                    // 6 floats per depth: one 4-float and one 2-float vector.
                    for _ in 0..<kc {
                        let s = UnsafeRawPointer(src), t = UnsafeMutableRawPointer(d)
                        t.storeBytes(of: s.loadUnaligned(as: SIMD4<Float>.self), as: SIMD4<Float>.self)
                        t.storeBytes(
                            of: s.loadUnaligned(fromByteOffset: 16, as: SIMD2<Float>.self),
                            toByteOffset: 16, as: SIMD2<Float>.self)
                        src += lda
                        d += mr
                    }
                } else {
                    for _ in 0..<kc {
                        for r in 0..<rows { d[r] = src[r] }
                        for r in rows..<mr { d[r] = 0 }
                        src += lda
                        d += mr
                    }
                }
            } else if rows == mr {
                let r0 = a + (i0 + i) * lda + p0
                let r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda
                var d = panel
                for p in 0..<kc {
                    d[0] = r0[p]
                    d[1] = r1[p]
                    d[2] = r2[p]
                    d[3] = r3[p]
                    d[4] = r4[p]
                    d[5] = r5[p]
                    d += mr
                }
            } else {
                for p in 0..<kc {
                    let d = panel + p * mr
                    for r in 0..<rows { d[r] = a[(i0 + i + r) * lda + p0 + p] }
                    for r in rows..<mr { d[r] = 0 }
                }
            }
            panel += mr * kc
            i += mr
        }
    }

    /// Packs op(B)[p0..<p0+kc][j0 ..< j0 + 16·panels] (clipped at column n) into `panels`
    /// consecutive kc×16 panels (column index fastest), padding columns past n with zeros.
    /// op(B)[p][j] is b[j·ldb+p] when `trans`, else b[p·ldb+j].
    static func packB(
        trans: Bool, b: UnsafePointer<Float>, ldb: Int, n: Int,
        p0: Int, kc: Int, j0: Int, panels: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let nr = GEMMBlocking.nr
        let fullPanels = min(panels, (n - j0) / nr)
        if !trans && fullPanels > 0 {
            // Groups of 4 panels, row by row: each row of B is read 256 bytes at a time and
            // only 4 destination streams are written at once.
            let panelBytes = kc * nr * MemoryLayout<Float>.stride
            var g0 = 0
            while g0 < fullPanels {
                let group = min(4, fullPanels - g0)
                for p in 0..<kc {
                    var src = UnsafeRawPointer(b + (p0 + p) * ldb + j0 + g0 * nr)
                    var d = UnsafeMutableRawPointer(dst + g0 * kc * nr + p * nr)
                    for _ in 0..<group {
                        d.storeBytes(of: src.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                        d.storeBytes(
                            of: src.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self),
                            toByteOffset: 32, as: SIMD8<Float>.self)
                        src += 64
                        d += panelBytes
                    }
                }
                g0 += group
            }
        }
        for panel in (trans ? 0 : fullPanels)..<panels {
            let j = j0 + panel * nr
            packBPanel(
                trans: trans, b: b, ldb: ldb, p0: p0, kc: kc, j0: j, cols: min(nr, n - j),
                into: dst + panel * kc * nr)
        }
    }

    /// Packs op(B)[p0..<p0+kc][j0..<j0+cols] (cols ≤ 16) into one kc×16 panel, zero-padded.
    private static func packBPanel(
        trans: Bool, b: UnsafePointer<Float>, ldb: Int,
        p0: Int, kc: Int, j0: Int, cols: Int, into dst: UnsafeMutablePointer<Float>
    ) {
        let nr = GEMMBlocking.nr
        if trans {
            var pDone = 0
            if cols == nr {
                // 8 depths at a time: two 8×8 blocks (stored rows 0–7 and 8–15) transposed in
                // registers, then written as 8 whole panel rows.
                let src = UnsafeRawPointer(b + j0 * ldb + p0)
                let rowBytes = ldb * MemoryLayout<Float>.stride
                var d = UnsafeMutableRawPointer(dst)
                while pDone + 8 <= kc {
                    let s = src + pDone * MemoryLayout<Float>.stride
                    let lo = transpose8x8(s, rowBytes: rowBytes)
                    let hi = transpose8x8(s + 8 * rowBytes, rowBytes: rowBytes)
                    d.storeBytes(of: lo.0, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.0, toByteOffset: 32, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.1, toByteOffset: 64, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.1, toByteOffset: 96, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.2, toByteOffset: 128, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.2, toByteOffset: 160, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.3, toByteOffset: 192, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.3, toByteOffset: 224, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.4, toByteOffset: 256, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.4, toByteOffset: 288, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.5, toByteOffset: 320, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.5, toByteOffset: 352, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.6, toByteOffset: 384, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.6, toByteOffset: 416, as: SIMD8<Float>.self)
                    d.storeBytes(of: lo.7, toByteOffset: 448, as: SIMD8<Float>.self)
                    d.storeBytes(of: hi.7, toByteOffset: 480, as: SIMD8<Float>.self)
                    d += 512
                    pDone += 8
                }
            } else {
                dst.initialize(repeating: 0, count: kc * nr)
            }
            // Walk each stored row (one op(B) column) contiguously, scattering with stride nr.
            for j in 0..<cols {
                let src = b + (j0 + j) * ldb + p0
                var d = dst + pDone * nr + j
                for p in pDone..<kc {
                    d.pointee = src[p]
                    d += nr
                }
            }
        } else {
            for p in 0..<kc {
                let src = b + (p0 + p) * ldb + j0
                let d = dst + p * nr
                for j in 0..<cols { d[j] = src[j] }
                for j in cols..<nr { d[j] = 0 }
            }
        }
    }

    /// Writes the 8×8 block at `src` (rows `rowBytes` apart) transposed to `dst` (rows
    /// `dstRowBytes` apart): row q of `dst` is column q of `src`.
    @inline(__always)
    static func storeTransposed8x8(
        _ src: UnsafeRawPointer, rowBytes: Int, to dst: UnsafeMutableRawPointer, dstRowBytes: Int
    ) {
        let t = transpose8x8(src, rowBytes: rowBytes)
        dst.storeBytes(of: t.0, as: SIMD8<Float>.self)
        (dst + dstRowBytes).storeBytes(of: t.1, as: SIMD8<Float>.self)
        (dst + 2 * dstRowBytes).storeBytes(of: t.2, as: SIMD8<Float>.self)
        (dst + 3 * dstRowBytes).storeBytes(of: t.3, as: SIMD8<Float>.self)
        (dst + 4 * dstRowBytes).storeBytes(of: t.4, as: SIMD8<Float>.self)
        (dst + 5 * dstRowBytes).storeBytes(of: t.5, as: SIMD8<Float>.self)
        (dst + 6 * dstRowBytes).storeBytes(of: t.6, as: SIMD8<Float>.self)
        (dst + 7 * dstRowBytes).storeBytes(of: t.7, as: SIMD8<Float>.self)
    }

    /// The 8×8 block of floats at `src` (rows `rowBytes` apart, unaligned) transposed: result q
    /// holds column q.
    @inline(__always)
    static func transpose8x8(_ src: UnsafeRawPointer, rowBytes: Int) -> (
        SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>,
        SIMD8<Float>, SIMD8<Float>, SIMD8<Float>, SIMD8<Float>
    ) {
        let r0 = src.loadUnaligned(as: SIMD8<Float>.self)
        let r1 = src.loadUnaligned(fromByteOffset: rowBytes, as: SIMD8<Float>.self)
        let r2 = src.loadUnaligned(fromByteOffset: 2 * rowBytes, as: SIMD8<Float>.self)
        let r3 = src.loadUnaligned(fromByteOffset: 3 * rowBytes, as: SIMD8<Float>.self)
        let r4 = src.loadUnaligned(fromByteOffset: 4 * rowBytes, as: SIMD8<Float>.self)
        let r5 = src.loadUnaligned(fromByteOffset: 5 * rowBytes, as: SIMD8<Float>.self)
        let r6 = src.loadUnaligned(fromByteOffset: 6 * rowBytes, as: SIMD8<Float>.self)
        let r7 = src.loadUnaligned(fromByteOffset: 7 * rowBytes, as: SIMD8<Float>.self)
        // Interleave pairs of rows within 128-bit lanes (unpcklps / unpckhps).
        @inline(__always) func lo(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
            SIMD8(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5])
        }
        @inline(__always) func hi(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
            SIMD8(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7])
        }
        // Pairs of pairs within 128-bit lanes (shufps).
        @inline(__always) func even(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
            SIMD8(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5])
        }
        @inline(__always) func odd(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
            SIMD8(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7])
        }
        let t0 = lo(r0, r1), t1 = hi(r0, r1), t2 = lo(r2, r3), t3 = hi(r2, r3)
        let t4 = lo(r4, r5), t5 = hi(r4, r5), t6 = lo(r6, r7), t7 = hi(r6, r7)
        let u0 = even(t0, t2), u1 = odd(t0, t2), u2 = even(t1, t3), u3 = odd(t1, t3)
        let u4 = even(t4, t6), u5 = odd(t4, t6), u6 = even(t5, t7), u7 = odd(t5, t7)
        // Swap 128-bit halves across (vperm2f128).
        return (
            SIMD8(lowHalf: u0.lowHalf, highHalf: u4.lowHalf), SIMD8(lowHalf: u1.lowHalf, highHalf: u5.lowHalf),
            SIMD8(lowHalf: u2.lowHalf, highHalf: u6.lowHalf), SIMD8(lowHalf: u3.lowHalf, highHalf: u7.lowHalf),
            SIMD8(lowHalf: u0.highHalf, highHalf: u4.highHalf), SIMD8(lowHalf: u1.highHalf, highHalf: u5.highHalf),
            SIMD8(lowHalf: u2.highHalf, highHalf: u6.highHalf), SIMD8(lowHalf: u3.highHalf, highHalf: u7.highHalf)
        )
    }
}
