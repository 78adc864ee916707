/// Single-precision matrix multiply on row-major buffers.
public enum GEMM {
    /// C = alpha · op(A) · op(B) + beta · C, all row-major.
    ///
    /// op(A) is m×k (A is k×m when `transA`), op(B) is k×n (B is n×k when `transB`);
    /// `lda`, `ldb`, `ldc` are the row strides of the stored matrices. `beta == 0` ignores C's
    /// previous contents (NaNs included). Uses up to `threads` threads (default: what the budget
    /// has available, `ThreadBudget.available`).
    public static func sgemm(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int,
        threads: Int? = nil
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "sgemm: negative dimension")
        if m == 0 || n == 0 { return }
        let problem = GEMMProblem(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
            a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        if k == 0 || alpha == 0 {
            problem.scaleC()
        } else if m * n * k <= GEMMBlocking.directMaxVolume {
            problem.multiplyDirect()
        } else {
            // The thread count only decides who computes which tiles, never how: every element
            // of C is summed in the same order whatever the split.
            let flops = 2 * m * n * k
            let budget = max(1, threads ?? ThreadBudget.available)
            let useful = max(1, flops / GEMMBlocking.minFlopsPerThread)
            if problem.runsTransposed {
                problem.multiplyTransposed(threads: min(budget, useful))
            } else {
                problem.multiplyBlocked(threads: min(budget, useful))
            }
        }
    }
}

/// Cache-blocking parameters, tuned for AVX2 cores with 32 KB L1d, 512 KB L2 and a large L3.
enum GEMMBlocking {
    /// Rows of C per micro-kernel tile.
    static let mr = 6
    /// Columns of C per micro-kernel tile (two SIMD8 vectors).
    static let nr = 16
    /// Largest depth of one packed block; a kc×16 B micro-panel plus a kc×6 A micro-panel
    /// stay in L1 while the kernel runs, with room left for the C tile's lines (measured on a
    /// Zen 3 with 32 KB L1d: 192 beats 256 at 256³ on two threads and is no slower elsewhere).
    static let kcMax = 192
    /// Rows of one packed A block (mc×kc floats, kept in L2 while all B panels pass by).
    static let mc = 144
    /// A thread covering at most this many column panels reads op(A) in place: each A tile
    /// would be reused too few times to repay packing it.
    static let inPlaceAMaxPanels = 4
    /// B panels per packing task (the non-transposed packer copies 4 panels per pass over B's
    /// rows).
    static let packTaskPanels = 4
    /// With several threads, C is cut into about this many chunks per thread: enough that a
    /// late thread still finds work, few enough that each chunk reuses its B panels over many
    /// rows (1024³ on 2 threads: 4 beat 8 in 6 of 6 paired runs, by 0.85 → 0.93 × OpenBLAS).
    static let chunksPerThread = 4
    /// Fewest row panels in a chunk: smaller chunks would reload B panels too often.
    static let minChunkRowPanels = 4
    /// Largest packed B slab (k × nc floats), shared by all threads from L3.
    static let slabMaxFloats = 1 << 21
    /// A C of at least this many bytes is written with streaming stores (when k fits one depth
    /// block): it cannot stay in cache for its reader anyway, and a plain store first reads the
    /// line it writes (measured here: 11 MB written at 10 GB/s plainly, 20 GB/s streamed).
    static let streamMinBytes = 8 << 20
    /// Products with m·n·k up to this skip packing: the copies would cost more than they save.
    static let directMaxVolume = 4096
    /// Each extra thread must get at least this much work to pay for waking it.
    static let minFlopsPerThread = 1 << 22
    /// A product with at most this many rows of C and a large op(B) runs transposed (see
    /// `GEMMProblem.runsTransposed`).
    static let transposedMaxRows = 256
    /// op(B) of at least this many floats is large enough that packing it would cost more than
    /// reading it in place.
    static let transposedMinB = 1 << 16
}

/// One sgemm call's operands, as the blocked and direct paths see them.
struct GEMMProblem {
    let transA: Bool, transB: Bool
    let m: Int, n: Int, k: Int
    let alpha: Float
    let a: UnsafePointer<Float>, lda: Int
    let b: UnsafePointer<Float>, ldb: Int
    let beta: Float
    let c: UnsafeMutablePointer<Float>, ldc: Int
    /// Whether every tile of op(A) is read in place, never packed.
    var readsAInPlace = false

    /// C = beta · C, the whole product being zero (k == 0 or alpha == 0).
    func scaleC() {
        for i in 0..<m {
            let row = c + i * ldc
            if beta == 0 {
                row.update(repeating: 0, count: n)
            } else if beta != 1 {
                for j in 0..<n { row[j] *= beta }
            }
        }
    }

    /// Unpacked dot products for tiny problems.
    func multiplyDirect() {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k {
                    let aip = transA ? a[p * lda + i] : a[i * lda + p]
                    let bpj = transB ? b[j * ldb + p] : b[p * ldb + j]
                    sum.addProduct(aip, bpj)
                }
                let dst = c + i * ldc + j
                dst.pointee = beta == 0 ? sum * alpha : sum * alpha + dst.pointee * beta
            }
        }
    }
}
