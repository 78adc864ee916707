/// Products of a row-major A (rows in place, `lda` apart) with one packed 16-column B panel,
/// for channels-last convolutions: a Winograd position's product has k = c (16 in the first
/// stage), so per-tile calls, prefetches and a 6-row minimum would cost as much as the tile
/// (4 tiles of a 7×7 image in F(4×4, 3×3) would take a whole 6-row tile).
extension GEMM {
    /// C[0..<count][0..<16] = A·B for `count` rows of A and a packed kc×16 B micro-panel, written
    /// straight to C (rows `ldc` apart): 6-row tiles, then a short one. Each element gets the
    /// same arithmetic as in `microKernel6x16`.
    @inline(never)
    static func rowMajorPanel(
        count: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var i = 0
        while i + GEMMBlocking.mr <= count {
            rowMajorTileBody(rows: 6, kc: kc, a: a + i * lda, lda: lda, b: b, c: c + i * ldc, ldc: ldc)
            i += GEMMBlocking.mr
        }
        if i < count {
            rowMajorShortKernel(rows: count - i, kc: kc, a: a + i * lda, lda: lda, b: b, c: c + i * ldc, ldc: ldc)
        }
    }

    /// C[0..<rows][0..<16] = A·B for `rows` (1–5) rows of A in place (rows `lda` apart) and a
    /// packed kc×16 B micro-panel, written straight to C. Each element gets the same arithmetic
    /// as in `microKernel6x16`.
    static func rowMajorShortKernel(
        rows: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // One inlined copy of the body per row count, each with its accumulators in registers.
        switch rows {
        case 1: rowMajorTileBody(rows: 1, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        case 2: rowMajorTileBody(rows: 2, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        case 3: rowMajorTileBody(rows: 3, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        case 4: rowMajorTileBody(rows: 4, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        default: rowMajorTileBody(rows: 5, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        }
    }

    /// Accumulates and stores `rows` (1–6, a constant after inlining) rows.
    @inline(__always)
    private static func rowMajorTileBody(
        rows: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        var c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda
        var pb = UnsafeRawPointer(b)
        for p in 0..<kc {
            let bv = pb.loadUnaligned(as: SIMD16<Float>.self)
            c0.addProduct(SIMD16(repeating: a0[p]), bv)
            if rows > 1 { c1.addProduct(SIMD16(repeating: a1[p]), bv) }
            if rows > 2 { c2.addProduct(SIMD16(repeating: a2[p]), bv) }
            if rows > 3 { c3.addProduct(SIMD16(repeating: a3[p]), bv) }
            if rows > 4 { c4.addProduct(SIMD16(repeating: a4[p]), bv) }
            if rows > 5 { c5.addProduct(SIMD16(repeating: a5[p]), bv) }
            pb += 64
        }
        @inline(__always) func store(_ value: SIMD16<Float>, _ r: Int) {
            UnsafeMutableRawPointer(c + r * ldc).storeBytes(of: value, as: SIMD16<Float>.self)
        }
        store(c0, 0)
        if rows > 1 { store(c1, 1) }
        if rows > 2 { store(c2, 2) }
        if rows > 3 { store(c3, 3) }
        if rows > 4 { store(c4, 4) }
        if rows > 5 { store(c5, 5) }
    }
}
