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
                for _ in 0..<kc {
                    for r in 0..<rows { d[r] = src[r] }
                    for r in rows..<mr { d[r] = 0 }
                    src += lda
                    d += mr
                }
            } else if rows == mr {
                let r0 = a + (i0 + i) * lda + p0
                let r1 = r0 + lda, r2 = r1 + lda, r3 = r2 + lda, r4 = r3 + lda, r5 = r4 + lda
                var d = panel
                for p in 0..<kc {
                    d[0] = r0[p]; d[1] = r1[p]; d[2] = r2[p]
                    d[3] = r3[p]; d[4] = r4[p]; d[5] = r5[p]
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
            // Row by row, so B is read sequentially; each row of a panel is one 64-byte line.
            let panelBytes = kc * nr * MemoryLayout<Float>.stride
            for p in 0..<kc {
                var src = UnsafeRawPointer(b + (p0 + p) * ldb + j0)
                var d = UnsafeMutableRawPointer(dst + p * nr)
                for _ in 0..<fullPanels {
                    d.storeBytes(of: src.loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                    d.storeBytes(of: src.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self),
                                 toByteOffset: 32, as: SIMD8<Float>.self)
                    src += 64
                    d += panelBytes
                }
            }
        }
        for panel in (trans ? 0 : fullPanels)..<panels {
            let j = j0 + panel * nr
            packBPanel(trans: trans, b: b, ldb: ldb, p0: p0, kc: kc, j0: j, cols: min(nr, n - j),
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
            if cols < nr { dst.initialize(repeating: 0, count: kc * nr) }
            // Walk each stored row (one op(B) column) contiguously, scattering with stride nr.
            for j in 0..<cols {
                let src = b + (j0 + j) * ldb + p0
                var d = dst + j
                for p in 0..<kc {
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
}
