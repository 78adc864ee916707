import Testing
@testable import KDTensor

/// A stored operand with padded rows, filled with reproducible values in [-1, 1).
private struct Matrix {
    let rows: Int, cols: Int, ld: Int
    var storage: [Float]

    init(rows: Int, cols: Int, padding: Int = 0, seed: UInt64) {
        self.rows = rows
        self.cols = cols
        ld = cols + padding
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        storage = (0..<max(1, rows * ld)).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Float(state >> 40) / Float(1 << 23) - 1
        }
    }

    subscript(i: Int, j: Int) -> Float { storage[i * ld + j] }
}

private struct Case: CustomStringConvertible {
    var transA = false, transB = false
    var m: Int, n: Int, k: Int
    var alpha: Float = 1, beta: Float = 0
    var padding = 0
    var description: String {
        "\(transA ? "T" : "N")\(transB ? "T" : "N") \(m)×\(n)×\(k) α=\(alpha) β=\(beta) pad=\(padding)"
    }
}

/// Runs sgemm on `test` with C initially filled by `initialC` and returns (C, Double reference).
/// `blockedThreads` bypasses the size heuristics and runs the packed path on exactly that many
/// threads, so small tests still exercise the multi-threaded splits.
private func run(
    _ test: Case, threads: Int? = nil, blockedThreads: Int? = nil,
    initialC: Float? = nil
) -> (got: [Float], want: [Double], ldc: Int) {
    let a =
        test.transA
        ? Matrix(rows: test.k, cols: test.m, padding: test.padding, seed: 1)
        : Matrix(rows: test.m, cols: test.k, padding: test.padding, seed: 1)
    let b =
        test.transB
        ? Matrix(rows: test.n, cols: test.k, padding: test.padding, seed: 2)
        : Matrix(rows: test.k, cols: test.n, padding: test.padding, seed: 2)
    var c = Matrix(rows: test.m, cols: test.n, padding: test.padding, seed: 3)
    if let initialC { c.storage = [Float](repeating: initialC, count: c.storage.count) }
    var want = [Double](repeating: 0, count: test.m * test.n)
    for i in 0..<test.m {
        for j in 0..<test.n {
            var sum = 0.0
            for p in 0..<test.k {
                let aip = test.transA ? a[p, i] : a[i, p]
                let bpj = test.transB ? b[j, p] : b[p, j]
                sum += Double(aip) * Double(bpj)
            }
            let old = test.beta == 0 ? 0 : Double(test.beta) * Double(c[i, j])
            want[i * test.n + j] = Double(test.alpha) * sum + old
        }
    }
    a.storage.withUnsafeBufferPointer { ap in
        b.storage.withUnsafeBufferPointer { bp in
            c.storage.withUnsafeMutableBufferPointer { cp in
                if let blockedThreads {
                    GEMMProblem(
                        transA: test.transA, transB: test.transB, m: test.m, n: test.n, k: test.k,
                        alpha: test.alpha, a: ap.baseAddress!, lda: a.ld, b: bp.baseAddress!, ldb: b.ld,
                        beta: test.beta, c: cp.baseAddress!, ldc: c.ld
                    )
                    .multiplyBlocked(threads: blockedThreads)
                    return
                }
                GEMM.sgemm(
                    transA: test.transA, transB: test.transB, m: test.m, n: test.n, k: test.k,
                    alpha: test.alpha, a: ap.baseAddress!, lda: a.ld, b: bp.baseAddress!, ldb: b.ld,
                    beta: test.beta, c: cp.baseAddress!, ldc: c.ld, threads: threads)
            }
        }
    }
    return (c.storage, want, c.ld)
}

/// Checks every element of C against the reference with a Float-honest tolerance, and that the
/// padding between rows of C was left alone.
private func expectMatches(
    _ test: Case, threads: Int? = nil, blockedThreads: Int? = nil,
    initialC: Float? = nil
) {
    let (got, want, ldc) = run(test, threads: threads, blockedThreads: blockedThreads, initialC: initialC)
    let tolerance = 1e-5 * Double(max(test.k, 1)).squareRoot() * Double(max(abs(test.alpha), 1))
    var worst = 0.0
    for i in 0..<test.m {
        for j in 0..<test.n {
            let expected = want[i * test.n + j]
            let error = abs(Double(got[i * ldc + j]) - expected) / max(1, abs(expected))
            worst = max(worst, error.isNaN ? .infinity : error)
        }
    }
    #expect(worst <= tolerance, "\(test): relative error \(worst) > \(tolerance)")
    if test.padding > 0 && initialC == nil {
        let untouched = Matrix(rows: test.m, cols: test.n, padding: test.padding, seed: 3)
        let paddingKept = (0..<test.m).allSatisfy { i in
            (test.n..<ldc).allSatisfy { j in got[i * ldc + j] == untouched[i, j] }
        }
        #expect(paddingKept, "\(test): wrote outside the m×n block of C")
    }
}

@Suite struct GEMMTests {
    static let sizes = [1, 7, 17, 63, 65, 129]

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func allTransposesMatchReference(transA: Bool, transB: Bool) {
        for (m, n, k) in [
            (1, 1, 1), (7, 17, 63), (65, 63, 17), (129, 65, 7), (17, 129, 65),
            (63, 7, 129), (1, 129, 65), (129, 1, 17), (65, 65, 1),
        ] {
            expectMatches(Case(transA: transA, transB: transB, m: m, n: n, k: k), threads: 1)
        }
    }

    @Test(arguments: sizes)
    func squareSizesMatchReference(size: Int) {
        expectMatches(Case(m: size, n: size, k: size))
        expectMatches(Case(m: size, n: size, k: size), blockedThreads: 2)
    }

    @Test func sharedPackingOfLargeB() {
        expectMatches(Case(transB: true, m: 13, n: 520, k: 260), blockedThreads: 2)
    }

    @Test func deepProductsSplitIntoDepthBlocks() {
        // k beyond one depth block (and not a multiple of it) exercises the accumulation of
        // later blocks onto C.
        expectMatches(Case(transA: true, m: 37, n: 45, k: 600), blockedThreads: 2)
        expectMatches(Case(transB: true, m: 50, n: 33, k: 513, alpha: 0.5, beta: 2), blockedThreads: 2)
    }

    @Test func alphaAndBetaScaleAsDocumented() {
        for (alpha, beta) in [(Float(2), Float(0)), (1, 1), (-0.5, 0.25), (1, -1), (3, 1)] {
            expectMatches(Case(m: 65, n: 33, k: 17, alpha: alpha, beta: beta))
            expectMatches(Case(transA: true, m: 5, n: 3, k: 4, alpha: alpha, beta: beta))
        }
    }

    @Test func betaZeroIgnoresNaNInC() {
        expectMatches(Case(m: 63, n: 65, k: 17, beta: 0), initialC: .nan)
        expectMatches(Case(m: 3, n: 2, k: 5, beta: 0), initialC: .nan)
        expectMatches(Case(m: 63, n: 65, k: 0, beta: 0), initialC: .nan)
        expectMatches(Case(m: 63, n: 65, k: 9, alpha: 0, beta: 0), initialC: .nan)
    }

    @Test func zeroDepthOrAlphaOnlyScalesC() {
        expectMatches(Case(m: 17, n: 7, k: 0, beta: 3))
        expectMatches(Case(m: 17, n: 7, k: 9, alpha: 0, beta: 0.5))
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func paddedLeadingDimensions(transA: Bool, transB: Bool) {
        expectMatches(
            Case(
                transA: transA, transB: transB, m: 65, n: 63, k: 129, alpha: 1.5, beta: 0.5,
                padding: 5))
        expectMatches(Case(transA: transA, transB: transB, m: 7, n: 17, k: 7, padding: 3))
    }

    @Test func resultsDoNotDependOnThreadCount() {
        for test in [
            Case(m: 129, n: 65, k: 300, beta: 0.5), Case(transA: true, m: 7, n: 300, k: 63),
            Case(transB: true, m: 200, n: 17, k: 65, alpha: 2, beta: 1),
            // B large enough to be packed by all threads together.
            Case(m: 13, n: 520, k: 260, beta: 1),
        ] {
            let single = run(test, blockedThreads: 1).got
            for threads in [2, 3, 4] {
                #expect(run(test, blockedThreads: threads).got == single, "\(test) with \(threads) threads")
            }
        }
    }
}

/// A product of few rows by a large op(B) runs transposed (op(B) read in place): it must match
/// the reference and be bit-identical to the packed path, on any thread count and with a
/// padded C.
@Suite struct GEMMTransposedTests {
    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func matchesThePackedPath(transA: Bool, transB: Bool) {
        for test in [
            Case(transA: transA, transB: transB, m: 128, n: 600, k: 300),
            Case(transA: transA, transB: transB, m: 13, n: 1030, k: 70, alpha: 0.5, padding: 3),
            Case(transA: transA, transB: transB, m: 1, n: 4100, k: 17),
        ] {
            #expect(run(test, threads: 1).got == run(test, blockedThreads: 1).got, "\(test)")
            #expect(run(test, threads: 2).got == run(test, blockedThreads: 1).got, "\(test), 2 threads")
            expectMatches(test)
        }
    }
}

/// Rows of a ragged last row panel (m not a multiple of 6) go through the short-row kernels;
/// they must be bit-identical to the same rows computed inside a full 6-row panel.
@Suite struct GEMMRaggedRowsTests {
    @Test(arguments: [(1, false), (2, false), (3, true), (4, false), (5, true), (2, true)])
    func raggedRowsMatchFullPanels(extra: Int, transA: Bool) {
        let (n, k) = (40, 300)
        let m = 36 + extra, padded = 42
        var state: UInt32 = 7
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
        // op(A) is padded×k; its rows past m are arbitrary, the first m are shared.
        let aRows = (0..<padded * k).map { _ in next() }
        let a = transA ? (0..<k * padded).map { i in aRows[(i % padded) * k + i / padded] } : aRows
        let b = (0..<k * n).map { _ in next() }
        let old = (0..<padded * n).map { _ in next() }
        for beta: Float in [0, 0.5] {
            var short = Array(old[0..<m * n]), full = old
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    short.withUnsafeMutableBufferPointer { c in
                        GEMM.sgemm(
                            transA: transA, transB: false, m: m, n: n, k: k, alpha: 1.5,
                            a: a.baseAddress!, lda: transA ? padded : k, b: b.baseAddress!, ldb: n,
                            beta: beta, c: c.baseAddress!, ldc: n, threads: 1)
                    }
                    full.withUnsafeMutableBufferPointer { c in
                        GEMM.sgemm(
                            transA: transA, transB: false, m: padded, n: n, k: k, alpha: 1.5,
                            a: a.baseAddress!, lda: transA ? padded : k, b: b.baseAddress!, ldb: n,
                            beta: beta, c: c.baseAddress!, ldc: n, threads: 1)
                    }
                }
            }
            #expect(short == Array(full[0..<m * n]), "m=\(m) transA=\(transA) beta=\(beta)")
        }
    }
}
