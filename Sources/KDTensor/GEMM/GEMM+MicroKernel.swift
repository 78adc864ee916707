import CSched

/// The register-blocked inner kernel: one `GEMMBlocking.mr`×`GEMMBlocking.nr` tile of C from a
/// 6-row tile of op(A) and a packed B micro-panel.
extension GEMM {
    /// Where a kernel reads its 6×kc tile of op(A) from.
    enum TileA {
        /// A packed micro-panel: element (r, p) at a[6·p + r].
        case packed(UnsafePointer<Float>)
        /// op(A) in place with rows `ld` apart: element (r, p) at a[r·ld + p].
        case rowMajor(UnsafePointer<Float>, ld: Int)
        /// op(A) in place with columns `ld` apart (a transposed A): element (r, p) at a[p·ld + r].
        case columnMajor(UnsafePointer<Float>, ld: Int)
        /// Columns at arbitrary offsets: element (r, p) at a[offsets[p] + r] (a stride-1
        /// convolution's shifted input planes, read without unfolding them).
        case shiftedColumns(UnsafePointer<Float>, offsets: UnsafePointer<Int>)
        /// Rows at arbitrary offsets: element (r, p) at a[offsets[r] + p].
        case shiftedRows(UnsafePointer<Float>, offsets: UnsafePointer<Int>)
    }

    /// C[0..<6][0..<16] = alpha · A·B + beta · C for a 6×kc tile of op(A) and a packed kc×16
    /// B micro-panel (32-byte aligned, 16 floats per p); beta == 0 never reads C.
    /// `streams` writes C with streaming stores (each tile row one whole, 64-byte aligned cache
    /// line; the caller fences).
    ///
    /// Every element's arithmetic is the same wherever the tile sits and wherever A is read
    /// from, which keeps results independent of how work is split across threads.
    static func microKernel6x16(
        kc: Int, a: TileA, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, streams: Bool
    ) {
        switch a {
        case .packed(let a):
            packedKernel(kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta, streams: streams)
        case .rowMajor(let a, let ld):
            rowMajorKernel(
                kc: kc, a: a, lda: ld, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta,
                streams: streams)
        case .columnMajor(let a, let ld):
            columnMajorKernel(
                kc: kc, a: a, lda: ld, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta,
                streams: streams)
        case .shiftedColumns(let a, let offsets):
            shiftedColumnsKernel(kc: kc, a: a, offsets: offsets, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
        case .shiftedRows(let a, let offsets):
            shiftedRowsKernel(kc: kc, a: a, offsets: offsets, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
        }
    }

    // One compiled copy per A layout, so each gets constant strides where it can: immediate
    // offsets for the packed panel, one shared index register for rows read in place.

    @inline(never)
    private static func packedKernel(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, streams: Bool
    ) {
        kernelBody(
            kc: kc, rows: tileRows(a, stride: 1), depthOffset: { $0 * GEMMBlocking.mr }, b: b,
            c: c, ldc: ldc, alpha: alpha, beta: beta, streams: streams)
    }

    @inline(never)
    private static func rowMajorKernel(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, streams: Bool
    ) {
        kernelBody(
            kc: kc, rows: tileRows(a, stride: lda), depthOffset: { $0 }, b: b,
            c: c, ldc: ldc, alpha: alpha, beta: beta, streams: streams)
    }

    @inline(never)
    private static func columnMajorKernel(
        kc: Int, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, streams: Bool
    ) {
        kernelBody(
            kc: kc, rows: tileRows(a, stride: 1), depthOffset: { $0 * lda }, b: b,
            c: c, ldc: ldc, alpha: alpha, beta: beta, streams: streams)
    }

    @inline(never)
    private static func shiftedColumnsKernel(
        kc: Int, a: UnsafePointer<Float>, offsets: UnsafePointer<Int>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        kernelBody(
            kc: kc, rows: tileRows(a, stride: 1), depthOffset: { offsets[$0] }, b: b,
            c: c, ldc: ldc, alpha: alpha, beta: beta, streams: false)
    }

    @inline(never)
    private static func shiftedRowsKernel(
        kc: Int, a: UnsafePointer<Float>, offsets: UnsafePointer<Int>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        let rows = (a + offsets[0], a + offsets[1], a + offsets[2], a + offsets[3], a + offsets[4], a + offsets[5])
        kernelBody(
            kc: kc, rows: rows, depthOffset: { $0 }, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta,
            streams: false)
    }

    private typealias TileRows = (
        UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
        UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>
    )

    @inline(__always)
    private static func tileRows(_ a: UnsafePointer<Float>, stride: Int) -> TileRows {
        (a, a + stride, a + 2 * stride, a + 3 * stride, a + 4 * stride, a + 5 * stride)
    }

    /// On AVX2 the 12 accumulators (6 rows × 2 ymm halves), the two B halves and the broadcast A
    /// value occupy 15 of the 16 ymm registers; each p costs 12 FMAs, 2 loads, 6 broadcasts.
    /// With AVX-512 each row is one zmm: 6 FMAs, 1 load, 6 broadcasts (Zen 4, 2.6 GHz, one
    /// thread: 512³ ~80 → ~95 GFLOP/s). Element (r, p) of the A tile is rows.r[depthOffset(p)].
    @inline(__always)
    private static func kernelBody(
        kc: Int, rows: TileRows, depthOffset: (Int) -> Int, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float, streams: Bool
    ) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
        var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
        let (a0, a1, a2, a3, a4, a5) = rows
        // The tile's 6 rows of C (each 64 bytes, perhaps across two lines) are written after the
        // k loop; fetching them now hides their misses behind it (1024³: +3–20 % in A/B runs,
        // where rows 4 KB apart share an L1 set). Streamed rows bypass the cache: no fetch.
        if !streams || beta != 0 {
            for r in 0..<6 {
                kd_prefetch_for_write(c + r * ldc)
                kd_prefetch_for_write(c + r * ldc + 15)
            }
        }
        var pb = UnsafeRawPointer(b)
        for p in 0..<kc {
            let offset = depthOffset(p)
            let bv = pb.loadUnaligned(as: SIMD16<Float>.self)
            c0.addProduct(SIMD16(repeating: a0[offset]), bv)
            c1.addProduct(SIMD16(repeating: a1[offset]), bv)
            c2.addProduct(SIMD16(repeating: a2[offset]), bv)
            c3.addProduct(SIMD16(repeating: a3[offset]), bv)
            c4.addProduct(SIMD16(repeating: a4[offset]), bv)
            c5.addProduct(SIMD16(repeating: a5[offset]), bv)
            pb += 64
        }
        storeRow(c0.lowHalf, c0.highHalf, to: c, alpha: alpha, beta: beta, streams: streams)
        storeRow(c1.lowHalf, c1.highHalf, to: c + ldc, alpha: alpha, beta: beta, streams: streams)
        storeRow(c2.lowHalf, c2.highHalf, to: c + 2 * ldc, alpha: alpha, beta: beta, streams: streams)
        storeRow(c3.lowHalf, c3.highHalf, to: c + 3 * ldc, alpha: alpha, beta: beta, streams: streams)
        storeRow(c4.lowHalf, c4.highHalf, to: c + 4 * ldc, alpha: alpha, beta: beta, streams: streams)
        storeRow(c5.lowHalf, c5.highHalf, to: c + 5 * ldc, alpha: alpha, beta: beta, streams: streams)
    }

    /// The full-width tile for a ragged last row panel: only the first `rows` (1–5) rows of a
    /// packed A panel (zero-padded to 6 rows) are multiplied and written. Each element gets the
    /// same arithmetic as in `microKernel6x16`, without the scratch tile of `edgeKernel`.
    static func shortKernel(
        rows: Int, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        switch rows {
        case 1: shortKernel1(kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
        case 2: shortKernel2(kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
        case 3: shortKernel3(kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
        default: shortKernel5(rows: rows, kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
        }
    }

    @inline(never)
    private static func shortKernel1(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        shortBody(rows: 1, kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
    }

    @inline(never)
    private static func shortKernel2(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        shortBody(rows: 2, kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
    }

    @inline(never)
    private static func shortKernel3(
        kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        shortBody(rows: 3, kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
    }

    /// 4 or 5 rows: computes 5, writes `rows`.
    @inline(never)
    private static func shortKernel5(
        rows: Int, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        shortBody(rows: 5, stored: rows, kc: kc, a: a, b: b, c: c, ldc: ldc, alpha: alpha, beta: beta)
    }

    /// Accumulates `rows` (a constant after inlining) rows, stores the first `stored` of them.
    @inline(__always)
    private static func shortBody(
        rows: Int, stored: Int? = nil, kc: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
        var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
        var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
        var pb = UnsafeRawPointer(b)
        var pa = a
        for _ in 0..<kc {
            let b0 = pb.load(as: SIMD8<Float>.self)
            let b1 = pb.load(fromByteOffset: 32, as: SIMD8<Float>.self)
            var av = SIMD8<Float>(repeating: pa[0])
            c00.addProduct(av, b0)
            c01.addProduct(av, b1)
            if rows > 1 {
                av = SIMD8<Float>(repeating: pa[1])
                c10.addProduct(av, b0)
                c11.addProduct(av, b1)
            }
            if rows > 2 {
                av = SIMD8<Float>(repeating: pa[2])
                c20.addProduct(av, b0)
                c21.addProduct(av, b1)
            }
            if rows > 3 {
                av = SIMD8<Float>(repeating: pa[3])
                c30.addProduct(av, b0)
                c31.addProduct(av, b1)
            }
            if rows > 4 {
                av = SIMD8<Float>(repeating: pa[4])
                c40.addProduct(av, b0)
                c41.addProduct(av, b1)
            }
            pb += 64
            pa += GEMMBlocking.mr
        }
        let out = stored ?? rows
        storeRow(c00, c01, to: c, alpha: alpha, beta: beta)
        if out > 1 { storeRow(c10, c11, to: c + ldc, alpha: alpha, beta: beta) }
        if out > 2 { storeRow(c20, c21, to: c + 2 * ldc, alpha: alpha, beta: beta) }
        if out > 3 { storeRow(c30, c31, to: c + 3 * ldc, alpha: alpha, beta: beta) }
        if out > 4 { storeRow(c40, c41, to: c + 4 * ldc, alpha: alpha, beta: beta) }
    }

    /// Writes one 16-wide row of a tile: alpha · acc + beta · old (old unread when beta == 0);
    /// `streams` uses streaming stores, for a row that is one whole (64-byte aligned) cache line.
    @inline(__always)
    private static func storeRow(
        _ lo: SIMD8<Float>, _ hi: SIMD8<Float>, to row: UnsafeMutablePointer<Float>,
        alpha: Float, beta: Float, streams: Bool = false
    ) {
        var lo = lo * alpha, hi = hi * alpha
        if beta != 0 {
            let old = UnsafeRawPointer(row)
            lo += old.loadUnaligned(as: SIMD8<Float>.self) * beta
            hi += old.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) * beta
        }
        if streams {
            kd_stream_store8(row, lo)
            kd_stream_store8(row + 8, hi)
        } else {
            let raw = UnsafeMutableRawPointer(row)
            raw.storeBytes(of: lo, as: SIMD8<Float>.self)
            raw.storeBytes(of: hi, toByteOffset: 32, as: SIMD8<Float>.self)
        }
    }

    /// The same tile operation for a tile cut short by the edge of C (`rows` ≤ 6, `cols` ≤ 16):
    /// runs the full kernel on a scratch tile so the arithmetic is bit-identical to full tiles.
    static func edgeKernel(
        rows: Int, cols: Int, kc: Int, a: TileA, b: UnsafePointer<Float>,
        c: UnsafeMutablePointer<Float>, ldc: Int, alpha: Float, beta: Float
    ) {
        let mr = GEMMBlocking.mr, nr = GEMMBlocking.nr
        withUnsafeTemporaryAllocation(of: Float.self, capacity: mr * nr) { scratch in
            let tile = scratch.baseAddress!
            tile.initialize(repeating: 0, count: mr * nr)
            if beta != 0 {
                for i in 0..<rows {
                    (tile + i * nr).update(from: c + i * ldc, count: cols)
                }
            }
            microKernel6x16(kc: kc, a: a, b: b, c: tile, ldc: nr, alpha: alpha, beta: beta, streams: false)
            for i in 0..<rows {
                (c + i * ldc).update(from: tile + i * nr, count: cols)
            }
        }
    }
}
