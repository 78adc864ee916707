import KDTensor
import Foundation
let args = CommandLine.arguments.dropFirst().map { Int($0)! }
let (m, n, k, iters, threads) = (args[0], args[1], args[2], args[3], args[4])
let variants = Array(args[5...])  // pairs (prefetchA floats, prefetchB bytes)
let a = (0..<m*k).map { _ in Float.random(in: -1...1) }, b = (0..<k*n).map { _ in Float.random(in: -1...1) }
var c = [Float](repeating: 0, count: m*n)
var results = [[Double]](repeating: [], count: variants.count / 2)
for _ in 0..<8 {
  for v in 0..<variants.count / 2 {
    kdxPrefetchA = variants[2*v]; kdxPrefetchB = variants[2*v+1]
    GEMM.sgemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, threads: threads)
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<iters {
      GEMM.sgemm(transA: false, transB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: &c, ldc: n, threads: threads)
    }
    let t1 = DispatchTime.now().uptimeNanoseconds
    results[v].append(2.0 * Double(m*n*k) * Double(iters) / Double(t1 - t0))
  }
}
for v in 0..<variants.count / 2 {
  let s = results[v].sorted()
  print("A \(variants[2*v]) B \(variants[2*v+1]): median \(String(format: "%.1f", s[s.count/2])) max \(String(format: "%.1f", s.last!))")
}
