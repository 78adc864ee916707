/// Single-precision matrix multiply on row-major buffers.
public enum GEMM {
    /// C = alpha · op(A) · op(B) + beta · C, all row-major.
    ///
    /// op(A) is m×k (A is k×m when `transA`), op(B) is k×n (B is n×k when `transB`);
    /// `lda`, `ldb`, `ldc` are the row strides of the stored matrices. `beta == 0` ignores C's
    /// previous contents (NaNs included). Uses up to `threads` threads (default: the budget).
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int? = nil
    ) {
        for i in 0..<m {
            let crow = c + i * ldc
            if beta == 0 {
                for j in 0..<n { crow[j] = 0 }
            } else if beta != 1 {
                for j in 0..<n { crow[j] *= beta }
            }
            for p in 0..<k {
                let aip = alpha * (transA ? a[p * lda + i] : a[i * lda + p])
                if transB {
                    for j in 0..<n { crow[j] += aip * b[j * ldb + p] }
                } else {
                    let brow = b + p * ldb
                    for j in 0..<n { crow[j] += aip * brow[j] }
                }
            }
        }
    }
}
