import Testing
@testable import KDTensor

/// A C of at least `GEMMBlocking.streamMinBytes` on a cache-line boundary, with k in one depth
/// block, is written with streaming stores; the same product into a C 16 bytes off the line is
/// written plainly. Both must hold the same bits, and agree with a Double reference.
@Suite struct GEMMStreamingTests {
    @Test(arguments: [(9, Float(0)), (9, Float(0.5)), (150, Float(0))])
    func streamedCMatchesPlainC(k: Int, beta: Float) {
        let n = 32
        let m = GEMMBlocking.streamMinBytes / (n * MemoryLayout<Float>.stride) + 1
        var state: UInt32 = 11
        func next() -> Float {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 23) - 1
        }
        let a = (0..<m * k).map { _ in next() }
        let b = (0..<k * n).map { _ in next() }
        let old = (0..<m * n).map { _ in next() }
        let storage = UnsafeMutableRawPointer.allocate(byteCount: (m * n + 32) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: m * n + 32)
        defer { storage.deallocate() }
        func product(offset: Int) -> [Float] {
            let c = storage + offset
            // The path under test: streamed into the aligned C, plainly 16 bytes off the line.
            let problem = a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    GEMMProblem(
                        transA: false, transB: false, m: m, n: n, k: k, alpha: 1.5, a: a.baseAddress!, lda: k,
                        b: b.baseAddress!, ldb: n, beta: beta, c: c, ldc: n)
                }
            }
            #expect(problem.streamsC == (offset == 0), "k=\(k) offset=\(offset)")
            c.update(from: old, count: m * n)
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    GEMM.sgemm(
                        transA: false, transB: false, m: m, n: n, k: k, alpha: 1.5,
                        a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                        beta: beta, c: c, ldc: n, threads: 2)
                }
            }
            return Array(UnsafeBufferPointer(start: c, count: m * n))
        }
        let streamed = product(offset: 0), plain = product(offset: 4)
        #expect(streamed == plain, "k=\(k) beta=\(beta)")
        var worst = 0.0
        for i in [0, 1, m / 2, m - 2, m - 1] {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
                let want = 1.5 * sum + Double(beta) * Double(old[i * n + j])
                worst = max(worst, abs(Double(streamed[i * n + j]) - want) / max(1, abs(want)))
            }
        }
        #expect(worst <= 1e-5 * Double(k).squareRoot(), "k=\(k) beta=\(beta): relative error \(worst)")
    }
}
