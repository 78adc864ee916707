/// Tiles of fewer than 6 rows of a row-major A: a small image's last Winograd tiles or unfolded
/// pixels (4 tiles of a 7×7 image in F(4×4, 3×3)) would otherwise cost a whole 6-row tile
/// computed into scratch and copied.
extension GEMM {
    /// C[0..<rows][0..<16] = A·B for `rows` (1–5) rows of A in place (rows `lda` apart) and a
    /// packed kc×16 B micro-panel, written straight to C. Each element gets the same arithmetic
    /// as in `microKernel6x16`.
    static func rowMajorShortKernel(
        rows: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        switch rows {
        case 1: rowMajorShort1(kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        case 2: rowMajorShort2(kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        case 3: rowMajorShort3(kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        case 4: rowMajorShort4(kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        default: rowMajorShort5(kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
        }
    }

    @inline(never)
    private static func rowMajorShort1(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rowMajorShortBody(rows: 1, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
    }

    @inline(never)
    private static func rowMajorShort2(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rowMajorShortBody(rows: 2, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
    }

    @inline(never)
    private static func rowMajorShort3(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rowMajorShortBody(rows: 3, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
    }

    @inline(never)
    private static func rowMajorShort4(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rowMajorShortBody(rows: 4, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
    }

    @inline(never)
    private static func rowMajorShort5(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        rowMajorShortBody(rows: 5, kc: kc, a: a, lda: lda, b: b, c: c, ldc: ldc)
    }

    /// Accumulates and stores `rows` (a constant after inlining) rows.
    @inline(__always)
    private static func rowMajorShortBody(
        rows: Int, kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>(), c3 = SIMD16<Float>()
        var c4 = SIMD16<Float>()
        let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda
        var pb = UnsafeRawPointer(b)
        for p in 0..<kc {
            let bv = pb.loadUnaligned(as: SIMD16<Float>.self)
            c0.addProduct(SIMD16(repeating: a0[p]), bv)
            if rows > 1 { c1.addProduct(SIMD16(repeating: a1[p]), bv) }
            if rows > 2 { c2.addProduct(SIMD16(repeating: a2[p]), bv) }
            if rows > 3 { c3.addProduct(SIMD16(repeating: a3[p]), bv) }
            if rows > 4 { c4.addProduct(SIMD16(repeating: a4[p]), bv) }
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
    }
}
