/// Products of a few rows by a large op(B), such as a batch of activations times a layer's
/// weight: the blocked path would pack all of op(B) (a transposing copy as large as the weight)
/// for only m rows of work per packed element. Computed as Cᵀ = op(B)ᵀ · op(A)ᵀ instead, the
/// large operand is the kernel's A, read in place, and only the small one is packed.
extension GEMMProblem {
    /// Whether to run as Cᵀ = op(B)ᵀ · op(A)ᵀ: few rows of C, a large op(B), C overwritten.
    var runsTransposed: Bool {
        beta == 0 && m <= GEMMBlocking.transposedMaxRows && n * k >= GEMMBlocking.transposedMinB
            && n >= 4 * m
    }

    /// Computes Cᵀ into a scratch buffer with the roles of A and B swapped, then transposes it
    /// into C. Each element is the same sum of the same products in the same order as in
    /// `multiplyBlocked` (products commute), whatever the thread count.
    func multiplyTransposed(threads: Int) {
        GEMMWorkspace.withBuffer(floats: n * m) { ct in
            var swapped = GEMMProblem(
                transA: !transB, transB: !transA, m: n, n: m, k: k, alpha: alpha,
                a: b, lda: ldb, b: a, ldb: lda, beta: 0, c: ct, ldc: m)
            swapped.readsAInPlace = true
            swapped.multiplyBlocked(threads: threads)
            transposeInto(ct)
        }
    }

    /// C [m, n] (rows ldc apart) = ctᵀ for ct [n, m].
    private func transposeInto(_ ct: UnsafePointer<Float>) {
        let fullRows = n - n % 8, fullCols = m - m % 8
        let rowBytes = m * MemoryLayout<Float>.stride, step = ldc * MemoryLayout<Float>.stride
        var j0 = 0
        while j0 < fullRows {
            var i0 = 0
            while i0 < fullCols {
                GEMM.storeTransposed8x8(
                    UnsafeRawPointer(ct + j0 * m + i0), rowBytes: rowBytes,
                    to: UnsafeMutableRawPointer(c + i0 * ldc + j0), dstRowBytes: step)
                i0 += 8
            }
            for i in fullCols..<m {
                for j in j0..<j0 + 8 { c[i * ldc + j] = ct[j * m + i] }
            }
            j0 += 8
        }
        for j in fullRows..<n {
            for i in 0..<m { c[i * ldc + j] = ct[j * m + i] }
        }
    }
}
